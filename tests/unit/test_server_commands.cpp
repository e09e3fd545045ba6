// Connection and server commands (PING, SELECT, HELLO, AUTH, CLIENT, INFO, CONFIG, COMMAND,
// FLUSHDB...) and the dispatcher's errors. Expected replies were recorded from Redis 7.0.15;
// replies that vary per run (client ids, INFO, TIME) are checked for their shape.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"

using namespace corokv::test;
using namespace std::literals;

TEST_CASE("server: PING and ECHO") {
    Harness h;
    CHECK(h.run({"PING"}) == simple("PONG"));
    CHECK(h.run({"PING", "hello"}) == bulk("hello"));
    CHECK(h.run({"PING", ""}) == bulk(""));
    CHECK(h.run({"PING", "a", "b"}) == arity_error("ping"));
    CHECK(h.run({"ECHO", "hi"}) == bulk("hi"));
    CHECK(h.run({"ECHO", ""}) == bulk(""));
    CHECK(h.run({"ECHO"}) == arity_error("echo"));
    CHECK(h.run({"ECHO", "a", "b"}) == arity_error("echo"));
}

TEST_CASE("server: command names are case-insensitive") {
    Harness h;
    CHECK(h.run({"ping"}) == simple("PONG"));
    CHECK(h.run({"PiNg"}) == simple("PONG"));
    CHECK(h.run({"set", "k", "v"}) == ok());
    CHECK(h.run({"GeT", "k"}) == bulk("v"));
    CHECK(h.run({"hset", "h", "f", "v"}) == integer(1));
    CHECK(h.run({"HGETALL", "h"}) == array({bulk("f"), bulk("v")}));
    CHECK(h.run({"client", "getname"}) == nil());
    CHECK(h.run({"Client", "GetName"}) == nil());
    CHECK(h.run({"config", "get", "HZ"}) == array({bulk("HZ"), bulk("10")}));
    CHECK(h.run({"object", "encoding", "k"}) == bulk("embstr"));
}

TEST_CASE("server: unknown commands and subcommands") {
    Harness h;
    CHECK(h.run({"FOOBAR"}) == err("ERR unknown command 'FOOBAR', with args beginning with: "));
    CHECK(h.run({"FOOBAR", "a", "b", "c"}) ==
          err("ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' 'c' "));
    CHECK(h.run({"foo bar", "x"}) ==
          err("ERR unknown command 'foo bar', with args beginning with: 'x' "));
    CHECK(h.run({"", "x"}) == err("ERR unknown command '', with args beginning with: 'x' "));
    CHECK(h.run({"CLIENT", "foo"}) == err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
    CHECK(h.run({"CLIENT", "foo", "bar"}) == err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
    CHECK(h.run({"CONFIG", "foo"}) == err("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
    CHECK(h.run({"COMMAND", "foo"}) == err("ERR unknown subcommand 'foo'. Try COMMAND HELP."));
    CHECK(h.run({"OBJECT", "foo"}) == err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    CHECK(h.run({"CONFIG", "GETX", "a"}) == err("ERR unknown subcommand 'GETX'. Try CONFIG HELP."));
}

TEST_CASE("server: wrong arity for commands and subcommands") {
    Harness h;
    CHECK(h.run({"GET"}) == arity_error("get"));
    CHECK(h.run({"SET", "k"}) == arity_error("set"));
    CHECK(h.run({"CLIENT"}) == arity_error("client"));
    CHECK(h.run({"CONFIG"}) == arity_error("config"));
    CHECK(h.run({"OBJECT"}) == arity_error("object"));
    CHECK(h.run({"CLIENT", "SETNAME"}) == arity_error("client|setname"));
    CHECK(h.run({"CLIENT", "SETNAME", "a", "b"}) == arity_error("client|setname"));
    CHECK(h.run({"CLIENT", "GETNAME", "x"}) == arity_error("client|getname"));
    CHECK(h.run({"CLIENT", "ID", "x"}) == arity_error("client|id"));
    CHECK(h.run({"CLIENT", "help", "x"}) == arity_error("client|help"));
    CHECK(h.run({"CONFIG", "GET"}) == arity_error("config|get"));
    CHECK(h.run({"CONFIG", "SET"}) == arity_error("config|set"));
    CHECK(h.run({"CONFIG", "SET", "maxclients"}) == arity_error("config|set"));
    CHECK(h.run({"CONFIG", "RESETSTAT", "x"}) == arity_error("config|resetstat"));
    CHECK(h.run({"COMMAND", "COUNT", "x"}) == arity_error("command|count"));
    CHECK(h.run({"COMMAND", "HELP", "x"}) == arity_error("command|help"));
    CHECK(h.run({"TIME", "x"}) == arity_error("time"));
    CHECK(h.run({"DBSIZE", "x"}) == arity_error("dbsize"));
    CHECK(h.run({"SELECT"}) == arity_error("select"));
    CHECK(h.run({"HELLO", "3", "AUTH"}) == err("ERR Syntax error in HELLO option 'AUTH'"));
}

TEST_CASE("server: SELECT switches databases within range") {
    Harness h;
    CHECK(h.run({"SELECT", "1"}) == ok());
    CHECK(h.run({"SET", "a", "one"}) == ok());
    CHECK(h.run({"SELECT", "15"}) == ok());
    CHECK(h.run({"GET", "a"}) == nil());
    CHECK(h.run({"SELECT", "1"}) == ok());
    CHECK(h.run({"GET", "a"}) == bulk("one"));
    CHECK(h.run({"SELECT", "16"}) == err("ERR DB index is out of range"));
    CHECK(h.run({"SELECT", "-1"}) == err("ERR DB index is out of range"));
    CHECK(h.run({"SELECT", "abc"}) == not_integer());
    CHECK(h.run({"SELECT", "1.5"}) == not_integer());
    CHECK(h.run({"SELECT", "2147483648"}) ==
          err("ERR value is out of range, value must between -2147483648 and 2147483647"));
    CHECK(h.run({"SELECT", " 1"}) == not_integer());
    CHECK(h.run({"SELECT", "0"}) == ok());
    CHECK(h.run({"GET", "a"}) == nil());
}

TEST_CASE("server: DBSIZE, FLUSHDB and FLUSHALL") {
    Harness h;
    CHECK(h.run({"DBSIZE"}) == integer(0));
    CHECK(h.run({"MSET", "a", "1", "b", "2"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(2));
    CHECK(h.run({"SELECT", "3"}) == ok());
    CHECK(h.run({"SET", "c", "3"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(1));
    CHECK(h.run({"FLUSHDB"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(0));
    CHECK(h.run({"SELECT", "0"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(2));
    CHECK(h.run({"FLUSHDB", "ASYNC"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(0));
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"FLUSHDB", "sync"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(0));
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"SELECT", "2"}) == ok());
    CHECK(h.run({"SET", "b", "1"}) == ok());
    CHECK(h.run({"FLUSHALL"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(0));
    CHECK(h.run({"SELECT", "0"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(0));
    CHECK(h.run({"FLUSHALL", "ASYNC"}) == ok());
    CHECK(h.run({"FLUSHALL", "SYNC"}) == ok());
}

TEST_CASE("server: FLUSHDB and FLUSHALL syntax errors") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"FLUSHDB", "foo"}) == syntax_error());
    CHECK(h.run({"FLUSHDB", "ASYNC", "SYNC"}) == syntax_error());
    CHECK(h.run({"FLUSHALL", "foo"}) == syntax_error());
    CHECK(h.run({"FLUSHALL", "async", "extra"}) == syntax_error());
    CHECK(h.run({"DBSIZE"}) == integer(1));
}

TEST_CASE("server: AUTH without requirepass") {
    Harness h;
    CHECK(h.run({"AUTH"}) == arity_error("auth"));
    CHECK(h.run({"AUTH", "pw"}) ==
          err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"));
    CHECK(h.run({"AUTH", "default", "pw"}) == ok());
    CHECK(h.run({"AUTH", "default", ""}) == ok());
    CHECK(h.run({"AUTH", "nobody", "pw"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"AUTH", "a", "b", "c"}) == syntax_error());
}

TEST_CASE("server: HELLO errors") {
    Harness h;
    CHECK(h.run({"HELLO", "1"}) == err("NOPROTO unsupported protocol version"));
    CHECK(h.run({"HELLO", "4"}) == err("NOPROTO unsupported protocol version"));
    CHECK(h.run({"HELLO", "0"}) == err("NOPROTO unsupported protocol version"));
    CHECK(h.run({"HELLO", "-3"}) == err("NOPROTO unsupported protocol version"));
    CHECK(h.run({"HELLO", "abc"}) == err("ERR Protocol version is not an integer or out of range"));
    CHECK(h.run({"HELLO", "3.0"}) == err("ERR Protocol version is not an integer or out of range"));
    CHECK(h.run({"HELLO", "2", "foo"}) == err("ERR Syntax error in HELLO option 'foo'"));
    CHECK(h.run({"HELLO", "2", "AUTH", "default"}) ==
          err("ERR Syntax error in HELLO option 'AUTH'"));
    CHECK(h.run({"HELLO", "2", "SETNAME"}) == err("ERR Syntax error in HELLO option 'SETNAME'"));
    CHECK(h.run({"HELLO", "2", "AUTH", "nobody", "pw"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"HELLO", "2", "SETNAME", "bad name"}) ==
          err("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"HELLO", "2", "AUTH", "nobody", "pw", "foo"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"HELLO", "2", "SETNAME", "bad name", "AUTH", "nobody", "pw"}) ==
          err("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"CLIENT", "GETNAME"}) == nil());
}

TEST_CASE("server: CLIENT SETNAME and GETNAME") {
    Harness h;
    CHECK(h.run({"CLIENT", "GETNAME"}) == nil());
    CHECK(h.run({"CLIENT", "SETNAME", "myname"}) == ok());
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("myname"));
    CHECK(h.run({"CLIENT", "SETNAME", ""}) == ok());
    CHECK(h.run({"CLIENT", "GETNAME"}) == nil());
    CHECK(h.run({"CLIENT", "SETNAME", "a b"}) ==
          err("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"CLIENT", "SETNAME", "a\nb"}) ==
          err("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"CLIENT", "SETNAME", "caf\xc3\xa9"}) ==
          err("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"CLIENT", "SETNAME", "~!@#"}) == ok());
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("~!@#"));
    h.run({"HELLO", "2", "SETNAME", "viahello"});
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("viahello"));
}

TEST_CASE("server: CLIENT LIST options") {
    Harness h;
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "foo"}) == err("ERR Unknown client type 'foo'"));
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "pubsub"}) == bulk(""));
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "master"}) == bulk(""));
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "replica"}) == bulk(""));
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "slave"}) == bulk(""));
    CHECK(h.run({"CLIENT", "LIST", "foo"}) == syntax_error());
    CHECK(h.run({"CLIENT", "LIST", "ID", "abc"}) == err("ERR Invalid client ID"));
    CHECK(h.run({"CLIENT", "LIST", "ID", "1.5"}) == err("ERR Invalid client ID"));
    CHECK(h.run({"CLIENT", "LIST", "ID", "0"}) == bulk(""));
    CHECK(h.run({"CLIENT", "LIST", "ID", "-1"}) == bulk(""));
    CHECK(h.run({"CLIENT", "LIST", "ID", "99999"}) == bulk(""));
    CHECK(h.run({"CLIENT", "LIST", "ID", "99999", "abc"}) == err("ERR Invalid client ID"));
    CHECK(h.run({"CLIENT", "LIST", "TYPE"}) == syntax_error());
    CHECK(h.run({"CLIENT", "LIST", "ID"}) == syntax_error());
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "normal", "ID", "1"}) == syntax_error());
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "NORMAL", "extra"}) == syntax_error());
}

TEST_CASE("server: CONFIG GET matches names and globs") {
    Harness h;
    CHECK(h.run({"CONFIG", "GET", "nosuchparam"}) == array({}));
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("10")}));
    CHECK(h.run({"CONFIG", "GET", "HZ"}) == array({bulk("HZ"), bulk("10")}));
    CHECK(h.run({"CONFIG", "GET", "maxclients"}) == array({bulk("maxclients"), bulk("10000")}));
    CHECK(h.run({"CONFIG", "GET", "MAXCLIENTS"}) == array({bulk("MAXCLIENTS"), bulk("10000")}));
    CHECK(h.run({"CONFIG", "GET", "maxclient?"}) == array({bulk("maxclients"), bulk("10000")}));
    CHECK(h.run({"CONFIG", "GET", "Maxclient*"}) == array({bulk("maxclients"), bulk("10000")}));
    CHECK(h.run({"CONFIG", "GET", "hz", "HZ"}) == array({bulk("hz"), bulk("10")}));
    CHECK(h.run({"CONFIG", "GET", "HZ", "hz"}) == array({bulk("HZ"), bulk("10")}));
    CHECK(h.run({"CONFIG", "GET", "loglevel"}) == array({bulk("loglevel"), bulk("notice")}));
    CHECK(h.run({"CONFIG", "GET", "save"}) == array({bulk("save"), bulk("")}));
    CHECK(h.run({"CONFIG", "GET", "appendonly"}) == array({bulk("appendonly"), bulk("no")}));
    CHECK(h.run({"CONFIG", "GET", "requirepass"}) == array({bulk("requirepass"), bulk("")}));
    CHECK(h.run({"CONFIG", "GET", "databases"}) == array({bulk("databases"), bulk("16")}));
    CHECK(h.run({"CONFIG", "GET", "proto-max-bulk-len"}) == array({
              bulk("proto-max-bulk-len"),
              bulk("536870912")}));
    CHECK(h.run({"CONFIG", "GET", "client-query-buffer-limit"}) == array({
              bulk("client-query-buffer-limit"),
              bulk("1073741824")}));
    CHECK(h.run({"CONFIG", "GET", "[xyz]"}) == array({}));
}

TEST_CASE("server: CONFIG SET changes values, all or nothing") {
    Harness h;
    CHECK(h.run({"CONFIG", "SET", "hz", "20"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("20")}));
    CHECK(h.run({"CONFIG", "SET", "HZ", "10"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("10")}));
    CHECK(h.run({"CONFIG", "SET", "hz", "11", "maxclients", "5000"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("11")}));
    CHECK(h.run({"CONFIG", "GET", "maxclients"}) == array({bulk("maxclients"), bulk("5000")}));
    CHECK(h.run({"CONFIG", "SET", "maxclients", "6000", "hz", "abc"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"));
    CHECK(h.run({"CONFIG", "GET", "maxclients"}) == array({bulk("maxclients"), bulk("5000")}));
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("11")}));
    CHECK(h.run({"CONFIG", "SET", "hz", "15", "nosuch", "1"}) ==
          err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("11")}));
    CHECK(h.run({"CONFIG", "SET", "loglevel", "WARNING"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "loglevel"}) == array({bulk("loglevel"), bulk("warning")}));
    CHECK(h.run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "proto-max-bulk-len"}) == array({
              bulk("proto-max-bulk-len"),
              bulk("1048576")}));
    CHECK(h.run({"CONFIG", "SET", "proto-max-bulk-len", "512mb"}) == ok());
    CHECK(h.run({"CONFIG", "SET", "hz", "0"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("1")}));
    CHECK(h.run({"CONFIG", "SET", "hz", "501"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("500")}));
}

TEST_CASE("server: CONFIG SET errors") {
    Harness h;
    CHECK(h.run({"CONFIG", "SET", "maxclients", "10", "hz"}) == syntax_error());
    CHECK(h.run({"CONFIG", "SET", "nosuchparam", "1"}) ==
          err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparam'"));
    CHECK(h.run({"CONFIG", "SET", "NoSuch", "1"}) ==
          err("ERR Unknown option or number of arguments for CONFIG SET - 'NoSuch'"));
    CHECK(h.run({"CONFIG", "SET", "databases", "4"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"));
    CHECK(h.run({"CONFIG", "SET", "maxclients", "abc"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"));
    CHECK(h.run({"CONFIG", "SET", "hz", "abc"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"));
    CHECK(h.run({"CONFIG", "SET", "hz", "20", "hz", "30"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"));
    CHECK(h.run({"CONFIG", "SET", "hz", "20", "HZ", "30"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter"));
    CHECK(h.run({"CONFIG", "SET", "proto-max-bulk-len", "abc"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value"));
    CHECK(h.run({"CONFIG", "SET", "nosuch", "1", "hz", "abc"}) ==
          err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("10")}));
}

TEST_CASE("server: CONFIG RESETSTAT and HELP") {
    Harness h;
    CHECK(h.run({"CONFIG", "RESETSTAT"}) == ok());
    const auto config_help = decode(h.run({"CONFIG", "HELP"})).strings();
    REQUIRE(config_help.size() >= 9);
    CHECK(config_help.front() == "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    CHECK(config_help[1] == "GET <pattern>");
    CHECK(config_help.back() == "    Prints this help.");
}

TEST_CASE("server: COMMAND INFO and DOCS for unknown names, COMMAND HELP") {
    Harness h;
    CHECK(h.run({"COMMAND", "INFO", "nosuch"}) == array({nil()}));
    CHECK(h.run({"COMMAND", "DOCS", "nosuch"}) == array({}));
    const auto command_help = decode(h.run({"COMMAND", "HELP"})).strings();
    REQUIRE(command_help.size() >= 9);
    CHECK(command_help.front() == "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    CHECK(command_help[1] == "(no subcommand)");
    CHECK(command_help.back() == "    Prints this help.");
}

TEST_CASE("server: HELLO sets the name only when the whole command succeeds") {
    Harness h;
    CHECK(h.run({"HELLO", "2", "SETNAME", "good", "foo"}) ==
          err("ERR Syntax error in HELLO option 'foo'"));
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("good"));
    CHECK(h.run({"HELLO", "2", "SETNAME", "first", "SETNAME", "bad name"}) ==
          err("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("first"));
    h.run({"HELLO", "2", "SETNAME", "first", "SETNAME", "second"});
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("second"));
}

TEST_CASE("server: requirepass: commands need AUTH first") {
    Harness h;
    h.state.acl.set_default_password("pw");
    h.client.authenticated = false;
    CHECK(h.run({"GET", "k"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"SET", "k", "v"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"PING"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"CLIENT", "ID"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"CONFIG", "GET", "hz"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"SELECT", "1"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"FOOBAR"}) == err("ERR unknown command 'FOOBAR', with args beginning with: "));
    CHECK(h.run({"GET"}) == arity_error("get"));
    CHECK(h.run({"CLIENT", "foo"}) == err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
    CHECK(h.run({"CLIENT", "SETNAME"}) == arity_error("client|setname"));
    CHECK(h.run({"HELLO"}) ==
          err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"));
    CHECK(h.run({"HELLO", "3"}) ==
          err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"));
    CHECK(h.run({"HELLO", "2", "SETNAME", "x"}) ==
          err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"));
    CHECK(h.run({"CLIENT", "GETNAME"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"AUTH", "wrong"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"AUTH", "default", "wrong"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"AUTH", "nobody", "pw"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"AUTH", "a", "b", "c"}) == syntax_error());
    CHECK(h.run({"GET", "k"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"AUTH", "pw"}) == ok());
    CHECK(h.run({"GET", "k"}) == nil());
    CHECK(h.run({"AUTH", "wrong"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"GET", "k"}) == nil());
    CHECK(h.run({"AUTH", "default", "pw"}) == ok());
}

TEST_CASE("server: requirepass: HELLO AUTH authenticates, also when a later option fails") {
    Harness h;
    h.state.acl.set_default_password("pw");
    h.client.authenticated = false;
    CHECK(h.run({"HELLO", "2", "AUTH", "default", "wrong"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"GET", "k"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"HELLO", "2", "AUTH", "default", "pw", "foo"}) ==
          err("ERR Syntax error in HELLO option 'foo'"));
    CHECK(h.run({"GET", "k"}) == nil());
    h.client.authenticated = false;
    CHECK(h.run({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "bad name"}) ==
          err("ERR Client names cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"GET", "k"}) == nil());
    h.client.authenticated = false;
    CHECK(h.run({"HELLO", "2", "SETNAME", "early", "AUTH", "default", "wrong"}) ==
          err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"CLIENT", "GETNAME"}) == err("NOAUTH Authentication required."));
    h.run({"HELLO", "2", "SETNAME", "named", "AUTH", "default", "pw"});
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("named"));
}

namespace {

// HELLO's reply for the harness client (id 1), as Redis 7.0.15 shapes it.
std::string hello_reply(int proto) {
    std::string body = "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
                       "$5\r\nproto\r\n:" + std::to_string(proto) + "\r\n$2\r\nid\r\n:1\r\n"
                       "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                       "$7\r\nmodules\r\n*0\r\n";
    return (proto == 3 ? "%7\r\n" : "*14\r\n") + body;
}

// "name:value" lines of an INFO text (section headers and blank lines skipped).
std::vector<std::pair<std::string, std::string>> info_fields(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find("\r\n", pos);
        if (eol == std::string::npos) eol = text.size();
        const std::string line = text.substr(pos, eol - pos);
        pos = eol + 2;
        const std::size_t colon = line.find(':');
        if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
        out.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    return out;
}

std::string info_field(const std::string& text, std::string_view name) {
    for (const auto& [k, v] : info_fields(text))
        if (k == name) return v;
    return "<missing>";
}

std::vector<std::string> info_sections(const std::string& text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while ((pos = text.find("# ", pos)) != std::string::npos) {
        const std::size_t eol = text.find("\r\n", pos);
        out.push_back(text.substr(pos + 2, eol - pos - 2));
        pos = eol;
    }
    return out;
}

// The "key=value" fields of a CLIENT LIST / CLIENT INFO line.
std::vector<std::string> client_line_keys(const std::string& line) {
    std::vector<std::string> keys;
    std::size_t pos = 0;
    while (pos < line.size()) {
        std::size_t end = line.find(' ', pos);
        if (end == std::string::npos) end = line.size();
        const std::string field = line.substr(pos, end - pos);
        keys.push_back(field.substr(0, field.find('=')));
        pos = end + 1;
    }
    return keys;
}

}  // namespace

TEST_CASE("server: HELLO answers the server map and switches protocols") {
    Harness h;
    CHECK(h.run({"HELLO"}) == hello_reply(2));
    CHECK(h.run({"HELLO", "2"}) == hello_reply(2));
    CHECK(h.run({"HELLO", "3"}) == hello_reply(3));
    CHECK(h.client.proto == 3);
    CHECK(h.run({"HELLO"}) == hello_reply(3));
    CHECK(h.run({"HELLO", "4"}) == err("NOPROTO unsupported protocol version"));
    CHECK(h.client.proto == 3);
    CHECK(h.run({"HELLO", "2", "AUTH", "default", "anything", "SETNAME", "app"}) == hello_reply(2));
    CHECK(h.client.proto == 2);
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("app"));
    CHECK(h.run({"hello", "3", "setname", "app2"}) == hello_reply(3));
    CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("app2"));
}

TEST_CASE("server: RESP3 replies after HELLO 3") {
    Harness h;
    REQUIRE(h.run({"HELLO", "3"}) == hello_reply(3));
    // Recorded from Redis 7.0.15.
    CHECK(h.run({"GET", "nope"}) == "_\r\n");
    CHECK(h.run({"CONFIG", "GET", "hz"}) == "%1\r\n$2\r\nhz\r\n$2\r\n10\r\n");
    CHECK(h.run({"COMMAND", "INFO", "nosuch"}) == "*1\r\n_\r\n");
    CHECK(h.run({"OBJECT", "ENCODING", "nope"}) == "_\r\n");
    CHECK(h.run({"HGETALL", "nope"}) == "%0\r\n");
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"MGET", "k", "nope"}) == "*2\r\n$1\r\nv\r\n_\r\n");
    CHECK(h.run({"SCAN", "0"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
    CHECK(h.run({"INFO", "nosuch"}) == "=4\r\ntxt:\r\n");
    CHECK(h.run({"INFO", "modules"}) == "=15\r\ntxt:# Modules\r\n\r\n");
    const Reply info = decode(h.run({"CLIENT", "INFO"}));
    CHECK(info.type == '=');
    CHECK(info.text.rfind("txt:id=1 ", 0) == 0);
    CHECK(info.text.find(" resp=3") != std::string::npos);
    const Reply docs = decode(h.run({"COMMAND", "DOCS", "get"}));
    CHECK(docs.type == '%');
    REQUIRE(docs.items.size() == 2);
    CHECK(docs.items[0].text == "get");
    CHECK(docs.items[1].type == '%');
    CHECK(h.run({"HELLO", "2"}) == hello_reply(2));
    CHECK(h.run({"GET", "nope"}) == nil());
    CHECK(h.run({"CONFIG", "GET", "hz"}) == array({bulk("hz"), bulk("10")}));
}

TEST_CASE("server: TIME answers seconds and microseconds as bulk strings") {
    Harness h;
    const std::int64_t before = corokv::unix_time_us();
    const Reply r = decode(h.run({"TIME"}));
    const std::int64_t after = corokv::unix_time_us();
    REQUIRE(r.type == '*');
    REQUIRE(r.items.size() == 2);
    CHECK(r.items[0].type == '$');
    CHECK(r.items[1].type == '$');
    const std::int64_t us = std::stoll(r.items[0].text) * 1000000 + std::stoll(r.items[1].text);
    CHECK(us >= before);
    CHECK(us <= after);
    CHECK(std::stoll(r.items[1].text) < 1000000);
}

TEST_CASE("server: CLIENT ID, INFO and LIST describe the connection") {
    Harness h;
    CHECK(h.run({"CLIENT", "ID"}) == integer(1));
    CHECK(h.run({"CLIENT", "SETNAME", "worker"}) == ok());
    CHECK(h.run({"SELECT", "3"}) == ok());
    const Reply info = decode(h.run({"CLIENT", "INFO"}));
    REQUIRE(info.type == '$');
    REQUIRE(info.text.size() > 1);
    CHECK(info.text.back() == '\n');
    const std::string line = info.text.substr(0, info.text.size() - 1);
    CHECK(line.rfind("id=1 addr=127.0.0.1:40000 laddr=127.0.0.1:6379 fd=7 name=worker age=", 0) == 0);
    CHECK(line.find(" db=3 ") != std::string::npos);
    CHECK(line.find(" cmd=client|info ") != std::string::npos);
    CHECK(line.find(" resp=2") != std::string::npos);
    // Redis 7.0's fields, in its order.
    const std::vector<std::string> redis_fields = {
        "id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
        "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
        "tot-mem", "events", "cmd", "user", "redir", "resp"};
    CHECK(client_line_keys(line) == redis_fields);

    const Reply list = decode(h.run({"CLIENT", "LIST"}));
    REQUIRE(list.type == '$');
    CHECK(list.text.rfind("id=1 addr=127.0.0.1:40000 ", 0) == 0);
    CHECK(list.text.find(" cmd=client|list ") != std::string::npos);
    CHECK(decode(h.run({"CLIENT", "LIST", "TYPE", "normal"})).text.rfind("id=1 ", 0) == 0);
    CHECK(h.run({"CLIENT", "LIST", "TYPE", "pubsub"}) == bulk(""));
    // IDs are listed in the order given, repeats included; unknown ones are skipped.
    const Reply twice = decode(h.run({"CLIENT", "LIST", "ID", "1", "7", "1"}));
    CHECK(std::count(twice.text.begin(), twice.text.end(), '\n') == 2);
    CHECK(h.run({"CLIENT", "LIST", "ID", "2"}) == bulk(""));
}

TEST_CASE("server: CLIENT SETINFO stores library name and version (Redis 7.2)") {
    Harness h;
    CHECK(h.run({"CLIENT", "SETINFO", "lib-name", "redis-py"}) == ok());
    CHECK(h.run({"CLIENT", "SETINFO", "LIB-VER", "5.0.1"}) == ok());
    const std::string line = decode(h.run({"CLIENT", "INFO"})).text;
    CHECK(line.find(" lib-name=redis-py") != std::string::npos);
    CHECK(line.find(" lib-ver=5.0.1") != std::string::npos);
    CHECK(h.run({"CLIENT", "SETINFO", "lib-name", "has space"}) ==
          err("ERR lib-name cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"CLIENT", "SETINFO", "LIB-VER", "1\n2"}) ==
          err("ERR LIB-VER cannot contain spaces, newlines or special characters."));
    CHECK(h.run({"CLIENT", "SETINFO", "lib-foo", "x"}) == err("ERR Unrecognized option 'lib-foo'"));
    CHECK(h.run({"CLIENT", "SETINFO", "lib-name"}) ==
          err("ERR wrong number of arguments for 'client|setinfo' command"));
}

TEST_CASE("server: INFO has Redis's sections and fields") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"SET", "b", "2", "EX", "100"}) == ok());
    CHECK(h.run({"SELECT", "2"}) == ok());
    CHECK(h.run({"SET", "c", "3"}) == ok());
    const Reply all = decode(h.run({"INFO"}));
    REQUIRE(all.type == '$');
    CHECK(info_sections(all.text) == std::vector<std::string>{"Server", "Clients", "Memory",
                                                              "Persistence", "Stats", "Replication",
                                                              "CPU", "Modules", "Cluster", "Keyspace"});
    CHECK(decode(h.run({"INFO", "default"})).text.size() > 0);
    CHECK(info_field(all.text, "redis_version") == "7.0.15");
    CHECK(info_field(all.text, "redis_mode") == "standalone");
    CHECK(info_field(all.text, "connected_clients") == "1");
    CHECK(info_field(all.text, "maxclients") == "10000");
    CHECK(info_field(all.text, "role") == "master");
    CHECK(info_field(all.text, "cluster_enabled") == "0");
    CHECK(info_field(all.text, "db0") == "keys=2,expires=1,avg_ttl=0");
    CHECK(info_field(all.text, "db2") == "keys=1,expires=0,avg_ttl=0");
    CHECK(info_field(all.text, "db1") == "<missing>");
    for (std::string_view field : {"run_id", "tcp_port", "uptime_in_seconds", "used_memory",
                                   "used_memory_human", "maxmemory_policy", "aof_enabled",
                                   "total_commands_processed", "keyspace_hits", "keyspace_misses",
                                   "expired_keys", "evicted_keys", "used_cpu_sys", "process_id"}) {
        CAPTURE(field);
        CHECK(info_field(all.text, field) != "<missing>");
    }
    CHECK(info_field(all.text, "run_id").size() == 40);
    // Sections by name, any case, always in Redis's order; unknown names add nothing.
    CHECK(h.run({"INFO", "KEYSPACE"}) ==
          bulk("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n"));
    CHECK(info_sections(decode(h.run({"INFO", "keyspace", "Server"})).text) ==
          std::vector<std::string>{"Server", "Keyspace"});
    CHECK(h.run({"INFO", "nosuch"}) == bulk(""));
    CHECK(h.run({"INFO", "cluster"}) == bulk("# Cluster\r\ncluster_enabled:0\r\n"));
    CHECK(h.run({"INFO", "modules"}) == bulk("# Modules\r\n"));
    CHECK(h.run({"FLUSHALL"}) == ok());
    CHECK(h.run({"INFO", "keyspace"}) == bulk("# Keyspace\r\n"));
}

TEST_CASE("server: keyspace hits and misses count reads, CONFIG RESETSTAT clears them") {
    Harness h;
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"GET", "a"}) == bulk("1"));
    CHECK(h.run({"GET", "nope"}) == nil());
    CHECK(h.run({"MGET", "a", "nope", "nope2"}) == array({bulk("1"), nil(), nil()}));
    std::string stats = decode(h.run({"INFO", "stats"})).text;
    CHECK(info_field(stats, "keyspace_hits") == "2");
    CHECK(info_field(stats, "keyspace_misses") == "3");
    CHECK(h.run({"CONFIG", "RESETSTAT"}) == ok());
    stats = decode(h.run({"INFO", "stats"})).text;
    CHECK(info_field(stats, "keyspace_hits") == "0");
    CHECK(info_field(stats, "keyspace_misses") == "0");
}

TEST_CASE("server: CONFIG GET with globs returns each matching parameter once") {
    Harness h;
    const Reply all = decode(h.run({"CONFIG", "GET", "*"}));
    REQUIRE(all.type == '*');
    REQUIRE(all.items.size() % 2 == 0);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < all.items.size(); i += 2) names.push_back(all.items[i].text);
    for (std::string_view name : {"maxclients", "hz", "loglevel", "requirepass", "proto-max-bulk-len",
                                  "databases", "save", "appendonly", "port", "bind", "dir"}) {
        CAPTURE(name);
        CHECK(std::count(names.begin(), names.end(), std::string(name)) == 1);
    }
    const auto p_names = decode(h.run({"CONFIG", "GET", "p*", "P*", "port"})).strings();
    for (std::size_t i = 0; i < p_names.size(); i += 2) CHECK(p_names[i][0] == 'p');
    CHECK(std::count(p_names.begin(), p_names.end(), "port") == 1);
    CHECK(decode(h.run({"CONFIG", "GET", "*max*"})).items.size() >= 4);
}

TEST_CASE("server: CONFIG SET requirepass turns authentication on for new clients") {
    Harness h;
    CHECK(h.run({"CONFIG", "SET", "requirepass", "secret"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "requirepass"}) == array({bulk("requirepass"), bulk("secret")}));
    CHECK(h.run({"PING"}) == simple("PONG"));  // this client was authenticated before
    h.client.authenticated = false;             // a client that connects now
    CHECK(h.run({"PING"}) == err("NOAUTH Authentication required."));
    CHECK(h.run({"AUTH", "secret"}) == ok());
    CHECK(h.run({"CONFIG", "SET", "requirepass", ""}) == ok());
    h.client.authenticated = false;
    CHECK(h.run({"PING"}) == simple("PONG"));
    CHECK(h.run({"AUTH", "secret"}) ==
          err("ERR AUTH <password> called without any password configured for the default user. "
              "Are you sure your configuration is correct?"));
}

TEST_CASE("server: COMMAND COUNT, INFO and DOCS describe the command table") {
    Harness h;
    const Reply count = decode(h.run({"COMMAND", "COUNT"}));
    REQUIRE(count.type == ':');
    const Reply all = decode(h.run({"COMMAND"}));
    CHECK(static_cast<long long>(all.items.size()) == count.integer());
    CHECK(decode(h.run({"COMMAND", "INFO"})).items.size() == all.items.size());
    CHECK(decode(h.run({"COMMAND", "DOCS"})).items.size() == 2 * all.items.size());

    // GET, as Redis 7.0 describes it: name, arity, flags, first/last/step, categories, tips,
    // key specs, subcommands.
    const Reply info = decode(h.run({"COMMAND", "INFO", "get", "nosuch", "SET"}));
    REQUIRE(info.items.size() == 3);
    const Reply& get = info.items[0];
    REQUIRE(get.items.size() == 10);
    CHECK(get.items[0].text == "get");
    CHECK(get.items[1].integer() == 2);
    CHECK(sorted(get.items[2].strings()) == std::vector<std::string>{"fast", "readonly"});
    CHECK(get.items[3].integer() == 1);
    CHECK(get.items[4].integer() == 1);
    CHECK(get.items[5].integer() == 1);
    const auto categories = get.items[6].strings();
    for (std::string_view cat : {"@read", "@string", "@fast"})
        CHECK(std::count(categories.begin(), categories.end(), std::string(cat)) == 1);
    CHECK(get.items[9].items.empty());
    CHECK(info.items[1].is_null);
    CHECK(info.items[1].type == '$');
    CHECK(info.items[2].items[0].text == "set");
    CHECK(info.items[2].items[1].integer() == -3);

    // A container lists its subcommands as "parent|sub".
    const Reply client = decode(h.run({"COMMAND", "INFO", "client"}));
    std::vector<std::string> subs;
    for (const Reply& sub : client.items[0].items[9].items) subs.push_back(sub.items[0].text);
    for (std::string_view name : {"client|id", "client|setname", "client|getname", "client|list",
                                  "client|info", "client|setinfo"})
        CHECK(std::count(subs.begin(), subs.end(), std::string(name)) == 1);

    const Reply docs = decode(h.run({"COMMAND", "DOCS", "get", "nosuch"}));
    REQUIRE(docs.items.size() == 2);
    CHECK(docs.items[0].text == "get");
    std::vector<std::string> doc_keys;
    for (std::size_t i = 0; i < docs.items[1].items.size(); i += 2) doc_keys.push_back(docs.items[1].items[i].text);
    for (std::string_view key : {"summary", "since", "group", "complexity"})
        CHECK(std::count(doc_keys.begin(), doc_keys.end(), std::string(key)) == 1);
}

TEST_CASE("server: keyspace hits and misses are counted by the same commands as in Redis") {
    Harness h;
    const auto counters = [&] {
        const std::string stats = decode(h.run({"INFO", "stats"})).text;
        return std::pair{std::stoll(info_field(stats, "keyspace_hits")),
                         std::stoll(info_field(stats, "keyspace_misses"))};
    };
    // Each command in turn, with the hits and misses Redis 7.0.15 added for it.
    struct Step {
        std::vector<std::string> command;
        long long hits, misses;
    };
    const std::vector<Step> steps = {
        {{"SET", "a", "1"}, 0, 0},
        {{"HSET", "h", "f", "v"}, 0, 0},
        {{"EXISTS", "a", "nope"}, 1, 1},
        {{"TYPE", "a"}, 1, 0},
        {{"TYPE", "nope"}, 0, 1},
        {{"TTL", "a"}, 1, 0},
        {{"PTTL", "nope"}, 0, 1},
        {{"EXPIRETIME", "a"}, 1, 0},
        {{"OBJECT", "ENCODING", "a"}, 1, 0},
        {{"OBJECT", "ENCODING", "nope"}, 0, 1},
        {{"GET", "a"}, 1, 0},
        {{"GET", "nope"}, 0, 1},
        {{"MGET", "a", "nope"}, 1, 1},
        {{"STRLEN", "a"}, 1, 0},
        {{"GETRANGE", "a", "0", "1"}, 1, 0},
        {{"HGET", "h", "f"}, 1, 0},
        {{"HGET", "h", "nope"}, 1, 0},
        {{"HGET", "nope", "f"}, 0, 1},
        {{"HLEN", "h"}, 1, 0},
        {{"HGETALL", "h"}, 1, 0},
        {{"HEXISTS", "h", "f"}, 1, 0},
        {{"HMGET", "h", "f"}, 1, 0},
        {{"HRANDFIELD", "h"}, 1, 0},
        {{"HSCAN", "h", "0"}, 1, 0},
        {{"GETSET", "a", "2"}, 1, 0},
        {{"GETDEL", "a"}, 1, 0},
        {{"GETEX", "nope"}, 0, 1},
        {{"SET", "a", "1", "GET"}, 0, 1},
        {{"SET", "nope2", "1", "GET"}, 0, 1},
        {{"INCR", "a"}, 0, 0},
        {{"APPEND", "a", "x"}, 0, 0},
        {{"SETRANGE", "a", "0", "x"}, 0, 0},
        {{"HSET", "h", "f", "v"}, 0, 0},
        {{"HINCRBY", "h", "c", "1"}, 0, 0},
        {{"DEL", "a"}, 0, 0},
        {{"EXPIRE", "h", "100"}, 0, 0},
        {{"PERSIST", "h"}, 0, 0},
        {{"TOUCH", "h", "nope"}, 1, 1},
        {{"RENAME", "h", "h2"}, 0, 0},
        {{"COPY", "h2", "h3"}, 1, 0},
        {{"RANDOMKEY"}, 0, 0},
        {{"KEYS", "*"}, 0, 0},
        {{"SCAN", "0"}, 0, 0},
        {{"DBSIZE"}, 0, 0},
        {{"MSET", "x", "1"}, 0, 0},
        {{"MSETNX", "y", "1"}, 0, 0},
        {{"SETNX", "z", "1"}, 0, 0},
        {{"GETEX", "z", "PERSIST"}, 1, 0},
    };
    for (const Step& step : steps) {
        std::string command;
        for (const std::string& a : step.command) command += a + " ";
        CAPTURE(command);
        const auto before = counters();
        h.run_strings(step.command);
        const auto after = counters();
        CHECK(after.first - before.first == step.hits);
        CHECK(after.second - before.second == step.misses);
    }
}

TEST_CASE("server: SHUTDOWN refuses the flag combinations Redis refuses") {
    Harness h;
    std::vector<corokv::ShutdownMode> requests;
    h.state.request_shutdown = [&](corokv::ShutdownMode mode) { requests.push_back(mode); };
    // Recorded from Redis 7.0.15.
    CHECK(h.run({"SHUTDOWN", "foo"}) == err("ERR syntax error"));
    CHECK(h.run({"SHUTDOWN", "ABORT"}) == err("ERR No shutdown in progress."));
    CHECK(h.run({"SHUTDOWN", "ABORT", "ABORT"}) == err("ERR No shutdown in progress."));
    CHECK(h.run({"SHUTDOWN", "NOSAVE", "SAVE"}) == err("ERR syntax error"));
    CHECK(h.run({"SHUTDOWN", "ABORT", "NOW"}) == err("ERR syntax error"));
    CHECK(h.run({"SHUTDOWN", "NOW", "ABORT"}) == err("ERR syntax error"));
    CHECK(h.run({"SHUTDOWN", "abort", "force"}) == err("ERR syntax error"));
    CHECK(requests.empty());
    CHECK_FALSE(h.client.close_after_reply);
    // A shutdown that goes ahead answers nothing and closes the connection.
    CHECK(h.run({"SHUTDOWN", "nosave", "NOW", "FORCE"}).empty());
    CHECK(h.client.close_after_reply);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0] == corokv::ShutdownMode::nosave);
}

TEST_CASE("server: QUIT answers OK and closes, with arguments and before AUTH too") {
    Harness h;
    h.state.acl.set_default_password("pw");
    h.client.authenticated = false;
    CHECK(h.run({"QUIT", "extra"}) == ok());
    CHECK(h.client.close_after_reply);
}

TEST_CASE("server: COMMAND rows match Redis: arity, flags and key positions") {
    Harness h;
    struct Row {
        std::string name;
        long long arity;
        std::vector<std::string> flags;  // sorted
        long long first, last, step;
    };
    // Recorded from Redis 7.0.15's COMMAND INFO for every command corokv has.
    const std::vector<Row> redis_rows = {
        {"ping", -1, {"fast"}, 0, 0, 0},
        {"echo", 2, {"fast", "loading", "stale"}, 0, 0, 0},
        {"quit", -1, {"allow_busy", "fast", "loading", "no_auth", "noscript", "stale"}, 0, 0, 0},
        {"select", 2, {"fast", "loading", "stale"}, 0, 0, 0},
        {"auth", -2, {"allow_busy", "fast", "loading", "no_auth", "noscript", "stale"}, 0, 0, 0},
        {"hello", -1, {"allow_busy", "fast", "loading", "no_auth", "noscript", "stale"}, 0, 0, 0},
        {"client", -2, {}, 0, 0, 0},
        {"client|list", -2, {"admin", "loading", "noscript", "stale"}, 0, 0, 0},
        {"client|help", 2, {"loading", "stale"}, 0, 0, 0},
        {"client|id", 2, {"loading", "noscript", "stale"}, 0, 0, 0},
        {"client|info", 2, {"loading", "noscript", "stale"}, 0, 0, 0},
        {"client|setname", 3, {"loading", "noscript", "stale"}, 0, 0, 0},
        {"client|getname", 2, {"loading", "noscript", "stale"}, 0, 0, 0},
        {"info", -1, {"loading", "stale"}, 0, 0, 0},
        {"dbsize", 1, {"fast", "readonly"}, 0, 0, 0},
        {"flushdb", -1, {"write"}, 0, 0, 0},
        {"flushall", -1, {"write"}, 0, 0, 0},
        {"time", 1, {"fast", "loading", "stale"}, 0, 0, 0},
        {"shutdown", -1, {"admin", "allow_busy", "loading", "no_multi", "noscript", "stale"}, 0, 0, 0},
        {"config", -2, {}, 0, 0, 0},
        {"config|get", -3, {"admin", "loading", "noscript", "stale"}, 0, 0, 0},
        {"config|help", 2, {"loading", "stale"}, 0, 0, 0},
        {"config|resetstat", 2, {"admin", "loading", "noscript", "stale"}, 0, 0, 0},
        {"config|set", -4, {"admin", "loading", "noscript", "stale"}, 0, 0, 0},
        {"command", -1, {"loading", "stale"}, 0, 0, 0},
        {"command|docs", -2, {"loading", "stale"}, 0, 0, 0},
        {"command|count", 2, {"loading", "stale"}, 0, 0, 0},
        {"command|info", -2, {"loading", "stale"}, 0, 0, 0},
        {"command|help", 2, {"loading", "stale"}, 0, 0, 0},
        {"get", 2, {"fast", "readonly"}, 1, 1, 1},
        {"set", -3, {"denyoom", "write"}, 1, 1, 1},
        {"setnx", 3, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"setex", 4, {"denyoom", "write"}, 1, 1, 1},
        {"psetex", 4, {"denyoom", "write"}, 1, 1, 1},
        {"getset", 3, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"getdel", 2, {"fast", "write"}, 1, 1, 1},
        {"getex", -2, {"fast", "write"}, 1, 1, 1},
        {"mget", -2, {"fast", "readonly"}, 1, -1, 1},
        {"mset", -3, {"denyoom", "write"}, 1, -1, 2},
        {"msetnx", -3, {"denyoom", "write"}, 1, -1, 2},
        {"incr", 2, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"decr", 2, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"incrby", 3, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"decrby", 3, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"incrbyfloat", 3, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"append", 3, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"strlen", 2, {"fast", "readonly"}, 1, 1, 1},
        {"getrange", 4, {"readonly"}, 1, 1, 1},
        {"substr", 4, {"readonly"}, 1, 1, 1},
        {"setrange", 4, {"denyoom", "write"}, 1, 1, 1},
        {"hset", -4, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"hmset", -4, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"hsetnx", 4, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"hget", 3, {"fast", "readonly"}, 1, 1, 1},
        {"hmget", -3, {"fast", "readonly"}, 1, 1, 1},
        {"hdel", -3, {"fast", "write"}, 1, 1, 1},
        {"hlen", 2, {"fast", "readonly"}, 1, 1, 1},
        {"hstrlen", 3, {"fast", "readonly"}, 1, 1, 1},
        {"hexists", 3, {"fast", "readonly"}, 1, 1, 1},
        {"hgetall", 2, {"readonly"}, 1, 1, 1},
        {"hkeys", 2, {"readonly"}, 1, 1, 1},
        {"hvals", 2, {"readonly"}, 1, 1, 1},
        {"hincrby", 4, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"hincrbyfloat", 4, {"denyoom", "fast", "write"}, 1, 1, 1},
        {"hrandfield", -2, {"readonly"}, 1, 1, 1},
        {"hscan", -3, {"readonly"}, 1, 1, 1},
        {"del", -2, {"write"}, 1, -1, 1},
        {"unlink", -2, {"fast", "write"}, 1, -1, 1},
        {"exists", -2, {"fast", "readonly"}, 1, -1, 1},
        {"touch", -2, {"fast", "readonly"}, 1, -1, 1},
        {"type", 2, {"fast", "readonly"}, 1, 1, 1},
        {"keys", 2, {"readonly"}, 0, 0, 0},
        {"scan", -2, {"readonly"}, 0, 0, 0},
        {"randomkey", 1, {"readonly"}, 0, 0, 0},
        {"rename", 3, {"write"}, 1, 2, 1},
        {"renamenx", 3, {"fast", "write"}, 1, 2, 1},
        {"copy", -3, {"denyoom", "write"}, 1, 2, 1},
        {"expire", -3, {"fast", "write"}, 1, 1, 1},
        {"pexpire", -3, {"fast", "write"}, 1, 1, 1},
        {"expireat", -3, {"fast", "write"}, 1, 1, 1},
        {"pexpireat", -3, {"fast", "write"}, 1, 1, 1},
        {"ttl", 2, {"fast", "readonly"}, 1, 1, 1},
        {"pttl", 2, {"fast", "readonly"}, 1, 1, 1},
        {"expiretime", 2, {"fast", "readonly"}, 1, 1, 1},
        {"pexpiretime", 2, {"fast", "readonly"}, 1, 1, 1},
        {"persist", 2, {"fast", "write"}, 1, 1, 1},
        {"object", -2, {}, 0, 0, 0},
        {"object|idletime", 3, {"readonly"}, 2, 2, 1},
        {"object|freq", 3, {"readonly"}, 2, 2, 1},
        {"object|encoding", 3, {"readonly"}, 2, 2, 1},
        {"object|help", 2, {"loading", "stale"}, 0, 0, 0},
        {"object|refcount", 3, {"readonly"}, 2, 2, 1},
    };
    std::map<std::string, Reply> rows;
    for (const Reply& cmd : decode(h.run({"COMMAND"})).items) {
        rows[cmd.items[0].text] = cmd;
        for (const Reply& sub : cmd.items[9].items) rows[sub.items[0].text] = sub;
    }
    for (const Row& expected : redis_rows) {
        CAPTURE(expected.name);
        auto it = rows.find(expected.name);
        REQUIRE(it != rows.end());
        const Reply& row = it->second;
        CHECK(row.items[1].integer() == expected.arity);
        CHECK(sorted(row.items[2].strings()) == expected.flags);
        CHECK(row.items[3].integer() == expected.first);
        CHECK(row.items[4].integer() == expected.last);
        CHECK(row.items[5].integer() == expected.step);
    }
}

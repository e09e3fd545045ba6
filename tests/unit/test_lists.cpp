// List commands (Redis's t_list.c) and the packed list value behind them. Expected replies
// were recorded from Redis 7.0.15. Blocking commands are checked on their immediate path
// and their argument errors only: the harness has no connection to block.
#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "harness.hpp"
#include "store/list.hpp"

using namespace corokv::test;
using namespace std::literals;

namespace {

std::string ints(std::initializer_list<long long> items) {
    std::string s = "*" + std::to_string(items.size()) + "\r\n";
    for (auto i : items) s += integer(i);
    return s;
}

std::string null_array() { return "*-1\r\n"; }
std::string empty_array() { return "*0\r\n"; }

std::string contents(Harness& h, std::string_view key) { return h.run({"LRANGE", key, "0", "-1"}); }

const std::string kRankZero =
    err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
        "negative to start from the end of the list");

}  // namespace

TEST_CASE("lists: LPUSH, RPUSH and LRANGE keep push order") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"LPUSH", "l", "x", "y"}) == integer(5));
    CHECK(contents(h, "l") == bulks({"y", "x", "a", "b", "c"}));
    CHECK(h.run({"TYPE", "l"}) == simple("list"));
    CHECK(h.run({"OBJECT", "ENCODING", "l"}) == bulk("quicklist"));
    CHECK(h.run({"LPUSH"}) == arity_error("lpush"));
    CHECK(h.run({"LPUSH", "l"}) == arity_error("lpush"));
    CHECK(h.run({"RPUSH", "l"}) == arity_error("rpush"));
}

TEST_CASE("lists: LPUSHX and RPUSHX only push onto existing lists") {
    Harness h;
    CHECK(h.run({"LPUSHX", "nokey", "a"}) == integer(0));
    CHECK(h.run({"RPUSHX", "nokey", "a"}) == integer(0));
    CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
    CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
    CHECK(h.run({"LPUSHX", "l", "p1", "p2"}) == integer(3));
    CHECK(h.run({"RPUSHX", "l", "r1", "r2"}) == integer(5));
    CHECK(contents(h, "l") == bulks({"p2", "p1", "a", "r1", "r2"}));
    CHECK(h.run({"LPUSHX", "l"}) == arity_error("lpushx"));
}

TEST_CASE("lists: every command answers WRONGTYPE on a string") {
    Harness h;
    CHECK(h.run({"SET", "s", "str"}) == ok());
    CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
    for (auto args : std::vector<std::vector<std::string_view>>{
             {"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"},
             {"LPOP", "s"}, {"RPOP", "s"}, {"LPOP", "s", "0"}, {"LLEN", "s"}, {"LRANGE", "s", "0", "1"},
             {"LINDEX", "s", "0"}, {"LINDEX", "s", "x"}, {"LSET", "s", "0", "a"}, {"LSET", "s", "x", "a"},
             {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"}, {"LINSERT", "s", "before", "a", "b"},
             {"LPOS", "s", "a"}, {"LMOVE", "s", "l", "left", "left"}, {"LMOVE", "l", "s", "left", "left"},
             {"RPOPLPUSH", "s", "l"}, {"RPOPLPUSH", "l", "s"}, {"LMPOP", "1", "s", "left"},
             {"LMPOP", "2", "nokey", "s", "left"}, {"BLPOP", "s", "0"}, {"BLPOP", "nokey", "s", "0"},
             {"BRPOP", "s", "0"}, {"BLMOVE", "s", "l", "left", "right", "0"},
             {"BLMOVE", "l", "s", "left", "right", "0"}, {"BRPOPLPUSH", "s", "l", "0"},
             {"BLMPOP", "0", "1", "s", "left"}, {"BLMPOP", "0", "2", "nokey", "s", "left"}}) {
        CAPTURE(args[0]);
        CHECK(h.run(args) == wrongtype());
    }
    CHECK(h.run({"GET", "s"}) == bulk("str"));
    CHECK(contents(h, "l") == bulks({"a"}));
}

TEST_CASE("lists: LPOP and RPOP without a count") {
    Harness h;
    CHECK(h.run({"LPOP", "nokey"}) == nil());
    CHECK(h.run({"RPOP", "nokey"}) == nil());
    CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"LPOP", "l"}) == bulk("a"));
    CHECK(h.run({"RPOP", "l"}) == bulk("c"));
    CHECK(h.run({"RPOP", "l"}) == bulk("b"));
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
    CHECK(h.run({"LPOP"}) == arity_error("lpop"));
    CHECK(h.run({"LPOP", "l", "1", "2"}) == arity_error("lpop"));
    CHECK(h.run({"RPOP", "l", "1", "2"}) == arity_error("rpop"));
}

TEST_CASE("lists: LPOP and RPOP with a count") {
    Harness h;
    CHECK(h.run({"LPOP", "nokey", "0"}) == null_array());
    CHECK(h.run({"LPOP", "nokey", "2"}) == null_array());
    CHECK(h.run({"RPUSH", "l", "p2", "p1", "y", "x", "a", "b", "c", "r1", "r2"}) == integer(9));
    CHECK(h.run({"LPOP", "l", "0"}) == empty_array());
    CHECK(h.run({"LPOP", "l", "2"}) == bulks({"p2", "p1"}));
    CHECK(h.run({"RPOP", "l", "2"}) == bulks({"r2", "r1"}));
    CHECK(h.run({"RPOP", "l", "100"}) == bulks({"c", "b", "a", "x", "y"}));
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
    const std::string out_of_range = err("ERR value is out of range, must be positive");
    CHECK(h.run({"LPOP", "l", "-1"}) == out_of_range);
    CHECK(h.run({"LPOP", "l", "abc"}) == out_of_range);
    CHECK(h.run({"RPOP", "l", "99999999999999999999"}) == out_of_range);
    CHECK(h.run({"LPOP", "nokey", "-1"}) == out_of_range);
    // The count is checked before the key's type.
    CHECK(h.run({"SET", "s", "x"}) == ok());
    CHECK(h.run({"LPOP", "s", "-1"}) == out_of_range);
}

TEST_CASE("lists: RESP3 null replies") {
    Harness h;
    REQUIRE(decode(h.run({"HELLO", "3"})).type == '%');
    CHECK(h.run({"LPOP", "nokey"}) == "_\r\n");
    CHECK(h.run({"LPOP", "nokey", "0"}) == "_\r\n");
    CHECK(h.run({"RPOP", "nokey", "2"}) == "_\r\n");
    CHECK(h.run({"LMPOP", "1", "nokey", "left"}) == "_\r\n");
    CHECK(h.run({"LINDEX", "nokey", "0"}) == "_\r\n");
    CHECK(h.run({"LPOS", "nokey", "a"}) == "_\r\n");
    CHECK(h.run({"LPOS", "nokey", "a", "COUNT", "0"}) == empty_array());
    CHECK(h.run({"RPOPLPUSH", "nokey", "x"}) == "_\r\n");
    CHECK(h.run({"LMOVE", "nokey", "x", "left", "left"}) == "_\r\n");
    CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"LPOP", "l", "0"}) == empty_array());
    CHECK(h.run({"LMPOP", "1", "l", "left"}) == "*2\r\n" + bulk("l") + bulks({"a"}));
    CHECK(h.run({"BLPOP", "l", "0"}) == bulks({"l", "b"}));
}

TEST_CASE("lists: LLEN") {
    Harness h;
    CHECK(h.run({"LLEN", "nokey"}) == integer(0));
    CHECK(h.run({"RPUSH", "l", "a", "b"}) == integer(2));
    CHECK(h.run({"LLEN", "l"}) == integer(2));
    CHECK(h.run({"LLEN"}) == arity_error("llen"));
}

TEST_CASE("lists: LRANGE clamps its indexes as Redis does") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
    CHECK(h.run({"LRANGE", "l", "-100", "100"}) == bulks({"a", "b", "c", "d", "e"}));
    CHECK(h.run({"LRANGE", "l", "2", "1"}) == empty_array());
    CHECK(h.run({"LRANGE", "l", "5", "10"}) == empty_array());
    CHECK(h.run({"LRANGE", "l", "-2", "-1"}) == bulks({"d", "e"}));
    CHECK(h.run({"LRANGE", "l", "-1", "-2"}) == empty_array());
    CHECK(h.run({"LRANGE", "l", "1", "-100"}) == empty_array());
    CHECK(h.run({"LRANGE", "l", "1", "2"}) == bulks({"b", "c"}));
    CHECK(h.run({"LRANGE", "l", "0", "9223372036854775807"}) == bulks({"a", "b", "c", "d", "e"}));
    CHECK(h.run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}) ==
          bulks({"a", "b", "c", "d", "e"}));
    CHECK(h.run({"LRANGE", "l", "x", "1"}) == not_integer());
    CHECK(h.run({"LRANGE", "l", "0", "x"}) == not_integer());
    CHECK(h.run({"LRANGE", "l", "0", "99999999999999999999"}) == not_integer());
    CHECK(h.run({"LRANGE", "nokey", "0", "-1"}) == empty_array());
    CHECK(h.run({"LRANGE", "nokey", "x", "1"}) == not_integer());
    CHECK(h.run({"LRANGE", "l", "0"}) == arity_error("lrange"));
}

TEST_CASE("lists: LINDEX") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
    CHECK(h.run({"LINDEX", "l", "0"}) == bulk("a"));
    CHECK(h.run({"LINDEX", "l", "-1"}) == bulk("e"));
    CHECK(h.run({"LINDEX", "l", "-5"}) == bulk("a"));
    CHECK(h.run({"LINDEX", "l", "5"}) == nil());
    CHECK(h.run({"LINDEX", "l", "-6"}) == nil());
    CHECK(h.run({"LINDEX", "l", "x"}) == not_integer());
    // A missing key answers nil before the index is even parsed.
    CHECK(h.run({"LINDEX", "nokey", "x"}) == nil());
    CHECK(h.run({"LINDEX", "nokey", "0"}) == nil());
}

TEST_CASE("lists: LSET") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
    CHECK(h.run({"LSET", "l", "0", "A"}) == ok());
    CHECK(h.run({"LSET", "l", "-1", "E"}) == ok());
    CHECK(h.run({"LSET", "l", "2", "a much longer element than before"}) == ok());
    CHECK(h.run({"LSET", "l", "1", "12345"}) == ok());
    CHECK(contents(h, "l") == bulks({"A", "12345", "a much longer element than before", "d", "E"}));
    CHECK(h.run({"LSET", "l", "5", "z"}) == err("ERR index out of range"));
    CHECK(h.run({"LSET", "l", "-6", "z"}) == err("ERR index out of range"));
    CHECK(h.run({"LSET", "l", "x", "z"}) == not_integer());
    CHECK(h.run({"LSET", "nokey", "0", "z"}) == err("ERR no such key"));
    CHECK(h.run({"LSET", "nokey", "x", "z"}) == err("ERR no such key"));
    CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
}

TEST_CASE("lists: LREM from the head, the tail, or everywhere") {
    Harness h;
    CHECK(h.run({"RPUSH", "r", "a", "b", "a", "c", "a", "d", "a"}) == integer(7));
    CHECK(h.run({"LREM", "r", "2", "a"}) == integer(2));
    CHECK(contents(h, "r") == bulks({"b", "c", "a", "d", "a"}));
    CHECK(h.run({"LREM", "r", "-1", "a"}) == integer(1));
    CHECK(contents(h, "r") == bulks({"b", "c", "a", "d"}));
    CHECK(h.run({"LREM", "r", "0", "a"}) == integer(1));
    CHECK(h.run({"LREM", "r", "0", "zz"}) == integer(0));
    CHECK(contents(h, "r") == bulks({"b", "c", "d"}));
    CHECK(h.run({"LREM", "r", "0", "b"}) == integer(1));
    CHECK(h.run({"LREM", "r", "-5", "c"}) == integer(1));
    CHECK(h.run({"LREM", "r", "5", "d"}) == integer(1));
    CHECK(h.run({"EXISTS", "r"}) == integer(0));
    CHECK(h.run({"LREM", "r", "x", "a"}) == not_integer());
    CHECK(h.run({"LREM", "nokey", "0", "a"}) == integer(0));
    CHECK(h.run({"LREM", "nokey", "x", "a"}) == not_integer());
}

TEST_CASE("lists: LREM compares integers and strings by their bytes") {
    Harness h;
    CHECK(h.run({"RPUSH", "r", "10", "010", "10", "-5", "1e1", "10"}) == integer(6));
    CHECK(h.run({"LREM", "r", "-2", "10"}) == integer(2));
    CHECK(contents(h, "r") == bulks({"10", "010", "-5", "1e1"}));
    CHECK(h.run({"LREM", "r", "0", "-5"}) == integer(1));
    CHECK(h.run({"LPOS", "r", "010"}) == integer(1));
}

TEST_CASE("lists: LTRIM") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
    CHECK(h.run({"LTRIM", "l", "1", "-2"}) == ok());
    CHECK(contents(h, "l") == bulks({"b", "c", "d"}));
    CHECK(h.run({"LTRIM", "l", "x", "1"}) == not_integer());
    CHECK(h.run({"LTRIM", "nokey", "0", "1"}) == ok());
    CHECK(h.run({"LTRIM", "nokey", "x", "1"}) == not_integer());
    CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
    CHECK(h.run({"LTRIM", "l", "5", "10"}) == ok());
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
    CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"LTRIM", "l", "-100", "100"}) == ok());
    CHECK(contents(h, "l") == bulks({"a", "b", "c"}));
    CHECK(h.run({"LTRIM", "l", "2", "1"}) == ok());
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
}

TEST_CASE("lists: LINSERT") {
    Harness h;
    CHECK(h.run({"LINSERT", "nokey", "before", "a", "b"}) == integer(0));
    CHECK(h.run({"LINSERT", "nokey", "middle", "a", "b"}) == syntax_error());
    CHECK(h.run({"SET", "s", "x"}) == ok());
    CHECK(h.run({"LINSERT", "s", "middle", "a", "b"}) == syntax_error());
    CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"LINSERT", "l", "before", "a", "X"}) == integer(4));
    CHECK(h.run({"LINSERT", "l", "after", "c", "Y"}) == integer(5));
    CHECK(h.run({"LINSERT", "l", "AFTER", "b", "Z"}) == integer(6));
    CHECK(h.run({"LINSERT", "l", "before", "zz", "Q"}) == integer(-1));
    CHECK(contents(h, "l") == bulks({"X", "a", "b", "Z", "c", "Y"}));
    CHECK(h.run({"LINSERT", "l", "before"}) == arity_error("linsert"));
}

TEST_CASE("lists: LPOS with RANK, COUNT and MAXLEN") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}) == integer(8));
    CHECK(h.run({"LPOS", "l", "c"}) == integer(2));
    CHECK(h.run({"LPOS", "l", "zz"}) == nil());
    CHECK(h.run({"LPOS", "l", "1"}) == integer(3));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "2"}) == integer(6));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-1"}) == integer(7));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-2"}) == integer(6));
    CHECK(h.run({"LPOS", "l", "c", "COUNT", "0"}) == ints({2, 6, 7}));
    CHECK(h.run({"LPOS", "l", "c", "COUNT", "2"}) == ints({2, 6}));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-1", "COUNT", "2"}) == ints({7, 6}));
    CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "3"}) == integer(2));
    CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "3", "COUNT", "0"}) == ints({2}));
    CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "0", "COUNT", "0"}) == ints({2, 6, 7}));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "2", "MAXLEN", "7"}) == integer(6));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-1", "MAXLEN", "1"}) == integer(7));
    CHECK(h.run({"LPOS", "l", "a", "RANK", "-1", "MAXLEN", "1"}) == nil());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-1", "MAXLEN", "2", "COUNT", "0"}) == ints({7, 6}));
    CHECK(h.run({"LPOS", "l", "zz", "COUNT", "2"}) == empty_array());
    CHECK(h.run({"LPOS", "nokey", "zz", "COUNT", "2"}) == empty_array());
    CHECK(h.run({"LPOS", "nokey", "a"}) == nil());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "10"}) == nil());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "10", "COUNT", "0"}) == empty_array());
    CHECK(h.run({"LPOS", "l", "c", "rank", "1", "rank", "2"}) == integer(6));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "9223372036854775807"}) == nil());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775807"}) == nil());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775807", "COUNT", "1"}) == empty_array());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "9223372036854775807", "COUNT", "0"}) == empty_array());
}

TEST_CASE("lists: LPOS RANK -9223372036854775808 behaves like Redis's wrapping arithmetic") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}) == integer(8));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808"}) == integer(7));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "1"}) == ints({7, 6, 2}));
    CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "2"}) == ints({7, 6, 2}));
}

TEST_CASE("lists: LPOS errors") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "c"}) == integer(2));
    CHECK(h.run({"SET", "s", "x"}) == ok());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "0"}) == kRankZero);
    // Options are checked before the key.
    CHECK(h.run({"LPOS", "s", "a", "RANK", "0"}) == kRankZero);
    CHECK(h.run({"LPOS", "nokey", "a", "RANK", "0"}) == kRankZero);
    CHECK(h.run({"LPOS", "l", "c", "RANK", "x"}) == not_integer());
    CHECK(h.run({"LPOS", "l", "c", "RANK", "99999999999999999999"}) == not_integer());
    CHECK(h.run({"LPOS", "l", "c", "COUNT", "-1"}) == err("ERR COUNT can't be negative"));
    CHECK(h.run({"LPOS", "l", "c", "COUNT", "x"}) == err("ERR COUNT can't be negative"));
    CHECK(h.run({"LPOS", "l", "c", "COUNT", "99999999999999999999"}) == err("ERR COUNT can't be negative"));
    CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "-1"}) == err("ERR MAXLEN can't be negative"));
    CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "x"}) == err("ERR MAXLEN can't be negative"));
    CHECK(h.run({"LPOS", "l", "c", "FOO", "1"}) == syntax_error());
    CHECK(h.run({"LPOS", "l", "c", "RANK"}) == syntax_error());
    CHECK(h.run({"LPOS", "l", "c", "COUNT", "1", "RANK"}) == syntax_error());
    CHECK(h.run({"LPOS", "l"}) == arity_error("lpos"));
}

TEST_CASE("lists: LMOVE and RPOPLPUSH") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}) == integer(8));
    CHECK(h.run({"LMOVE", "l", "d", "left", "right"}) == bulk("a"));
    CHECK(contents(h, "d") == bulks({"a"}));
    CHECK(h.run({"LMOVE", "l", "d", "RIGHT", "LEFT"}) == bulk("c"));
    CHECK(contents(h, "d") == bulks({"c", "a"}));
    CHECK(h.run({"LMOVE", "l", "l", "left", "right"}) == bulk("b"));
    CHECK(contents(h, "l") == bulks({"c", "1", "2", "3", "c", "b"}));
    CHECK(h.run({"RPOPLPUSH", "l", "d"}) == bulk("b"));
    CHECK(h.run({"RPOPLPUSH", "l", "l"}) == bulk("c"));
    CHECK(contents(h, "l") == bulks({"c", "c", "1", "2", "3"}));
    CHECK(contents(h, "d") == bulks({"b", "c", "a"}));
    CHECK(h.run({"RPOPLPUSH", "nokey", "d"}) == nil());
    CHECK(h.run({"LMOVE", "nokey", "d", "left", "left"}) == nil());
    CHECK(h.run({"SET", "s", "x"}) == ok());
    CHECK(h.run({"LMOVE", "nokey", "s", "left", "left"}) == nil());
    // The ends are parsed before anything else.
    CHECK(h.run({"LMOVE", "l", "d", "up", "left"}) == syntax_error());
    CHECK(h.run({"LMOVE", "l", "d", "left", "down"}) == syntax_error());
    CHECK(h.run({"LMOVE", "nokey", "d", "up", "left"}) == syntax_error());
    CHECK(h.run({"LMOVE", "l", "s", "up", "left"}) == syntax_error());
    // A WRONGTYPE destination leaves the source alone.
    CHECK(h.run({"LMOVE", "l", "s", "left", "left"}) == wrongtype());
    CHECK(h.run({"LLEN", "l"}) == integer(5));
    CHECK(h.run({"LMOVE", "l", "d"}) == arity_error("lmove"));
    CHECK(h.run({"RPOPLPUSH", "l"}) == arity_error("rpoplpush"));
}

TEST_CASE("lists: LMOVE of the last element deletes the source, unless it is the destination") {
    Harness h;
    CHECK(h.run({"RPUSH", "one", "x"}) == integer(1));
    CHECK(h.run({"LMOVE", "one", "one", "left", "right"}) == bulk("x"));
    CHECK(contents(h, "one") == bulks({"x"}));
    CHECK(h.run({"LMOVE", "one", "d", "left", "left"}) == bulk("x"));
    CHECK(h.run({"EXISTS", "one"}) == integer(0));
    CHECK(contents(h, "d") == bulks({"x"}));
}

TEST_CASE("lists: LMPOP") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d"}) == integer(4));
    CHECK(h.run({"RPUSH", "m", "1", "2"}) == integer(2));
    CHECK(h.run({"LMPOP", "2", "nokey", "l", "left"}) == "*2\r\n" + bulk("l") + bulks({"a"}));
    CHECK(h.run({"LMPOP", "2", "nokey", "l", "right", "count", "2"}) == "*2\r\n" + bulk("l") + bulks({"d", "c"}));
    CHECK(h.run({"LMPOP", "1", "l", "left", "COUNT", "10"}) == "*2\r\n" + bulk("l") + bulks({"b"}));
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
    CHECK(h.run({"LMPOP", "1", "nokey", "left"}) == null_array());
    CHECK(h.run({"SET", "s", "x"}) == ok());
    CHECK(h.run({"LMPOP", "2", "m", "s", "left"}) == "*2\r\n" + bulk("m") + bulks({"1"}));
    CHECK(h.run({"LMPOP", "1", "m", "LEFT", "COUNT", "1"}) == "*2\r\n" + bulk("m") + bulks({"2"}));
    CHECK(h.run({"EXISTS", "m"}) == integer(0));
}

TEST_CASE("lists: LMPOP argument errors") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
    const std::string bad_numkeys = err("ERR numkeys should be greater than 0");
    const std::string bad_count = err("ERR count should be greater than 0");
    CHECK(h.run({"LMPOP", "2", "nokey", "l", "left", "count", "0"}) == bad_count);
    CHECK(h.run({"LMPOP", "0", "l", "left"}) == bad_numkeys);
    CHECK(h.run({"LMPOP", "-1", "l", "left"}) == bad_numkeys);
    CHECK(h.run({"LMPOP", "x", "l", "left"}) == bad_numkeys);
    CHECK(h.run({"LMPOP", "99999999999999999999", "l", "left"}) == bad_numkeys);
    CHECK(h.run({"LMPOP", "5", "l", "left"}) == syntax_error());
    CHECK(h.run({"LMPOP", "2", "l", "left"}) == syntax_error());
    CHECK(h.run({"LMPOP", "2147483648", "l", "left"}) == syntax_error());
    CHECK(h.run({"LMPOP", "9223372036854775807", "l", "left"}) == syntax_error());
    CHECK(h.run({"LMPOP", "1", "l", "middle"}) == syntax_error());
    CHECK(h.run({"LMPOP", "1", "l", "left", "count"}) == syntax_error());
    CHECK(h.run({"LMPOP", "1", "l", "left", "count", "-1"}) == bad_count);
    CHECK(h.run({"LMPOP", "1", "l", "left", "count", "x"}) == bad_count);
    CHECK(h.run({"LMPOP", "1", "l", "left", "count", "99999999999999999999"}) == bad_count);
    CHECK(h.run({"LMPOP", "1", "l", "left", "count", "1", "count", "2"}) == syntax_error());
    CHECK(h.run({"LMPOP", "1", "l", "left", "foo"}) == syntax_error());
    CHECK(h.run({"LMPOP", "1", "l", "left", "count", "1", "extra"}) == syntax_error());
    CHECK(h.run({"LMPOP", "1", "l"}) == arity_error("lmpop"));
    CHECK(h.run({"LLEN", "l"}) == integer(1));
}

TEST_CASE("lists: BLPOP and BRPOP serve at once when a key has data") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d"}) == integer(4));
    CHECK(h.run({"BLPOP", "nokey", "l", "0"}) == bulks({"l", "a"}));
    CHECK(h.run({"BRPOP", "nokey", "l", "0.5"}) == bulks({"l", "d"}));
    CHECK(h.run({"SET", "s", "x"}) == ok());
    // Keys are looked at in order: a list before a wrong-type key serves.
    CHECK(h.run({"BLPOP", "l", "s", "0"}) == bulks({"l", "b"}));
    CHECK(h.run({"BLPOP", "l", "1e3"}) == bulks({"l", "c"}));
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
    CHECK(h.run({"BLPOP", "l"}) == arity_error("blpop"));
    CHECK(h.run({"BRPOP", "l"}) == arity_error("brpop"));
}

TEST_CASE("lists: blocking commands check their timeout first") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b"}) == integer(2));
    CHECK(h.run({"SET", "s", "x"}) == ok());
    const std::string not_float = err("ERR timeout is not a float or out of range");
    const std::string negative = err("ERR timeout is negative");
    CHECK(h.run({"BLPOP", "l", "x"}) == not_float);
    CHECK(h.run({"BLPOP", "l", "-1"}) == negative);
    CHECK(h.run({"BLPOP", "s", "x"}) == not_float);
    CHECK(h.run({"BRPOP", "l", "-1"}) == negative);
    CHECK(h.run({"BLMOVE", "l", "d", "left", "right", "x"}) == not_float);
    CHECK(h.run({"BRPOPLPUSH", "l", "d", "-1"}) == negative);
    CHECK(h.run({"BRPOPLPUSH", "l", "d", "x"}) == not_float);
    CHECK(h.run({"BLMPOP", "x", "1", "l", "left"}) == not_float);
    CHECK(h.run({"BLMPOP", "-1", "1", "l", "left"}) == negative);
    CHECK(h.run({"LLEN", "l"}) == integer(2));
}

TEST_CASE("lists: BLMOVE and BRPOPLPUSH serve at once when the source has data") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"BLMOVE", "l", "d", "left", "right", "0"}) == bulk("a"));
    CHECK(h.run({"BRPOPLPUSH", "l", "d", "0"}) == bulk("c"));
    CHECK(contents(h, "d") == bulks({"c", "a"}));
    // The ends are parsed before the timeout.
    CHECK(h.run({"BLMOVE", "l", "d", "up", "right", "0"}) == syntax_error());
    CHECK(h.run({"BLMOVE", "l", "d", "up", "right", "x"}) == syntax_error());
    CHECK(h.run({"BLMOVE", "l", "d", "left", "right"}) == arity_error("blmove"));
    CHECK(h.run({"BRPOPLPUSH", "l", "d"}) == arity_error("brpoplpush"));
    CHECK(h.run({"BLMOVE", "l", "d", "left", "left", "0"}) == bulk("b"));
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
}

TEST_CASE("lists: BLMPOP serves at once and checks its arguments before the timeout") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
    CHECK(h.run({"BLMPOP", "0", "1", "l", "left"}) == "*2\r\n" + bulk("l") + bulks({"a"}));
    CHECK(h.run({"BLMPOP", "0", "2", "nokey", "l", "right", "COUNT", "2"}) ==
          "*2\r\n" + bulk("l") + bulks({"e", "d"}));
    CHECK(h.run({"BLMPOP", "x", "0", "l", "left"}) == err("ERR numkeys should be greater than 0"));
    CHECK(h.run({"BLMPOP", "x", "1", "l", "middle"}) == syntax_error());
    CHECK(h.run({"BLMPOP", "x", "1", "l", "left", "count", "0"}) == err("ERR count should be greater than 0"));
    CHECK(h.run({"BLMPOP", "0", "1", "l"}) == arity_error("blmpop"));
    CHECK(h.run({"BLMPOP", "0", "1", "l", "left", "COUNT", "100"}) == "*2\r\n" + bulk("l") + bulks({"b", "c"}));
    CHECK(h.run({"EXISTS", "l"}) == integer(0));
}

TEST_CASE("lists: COMMAND INFO rows") {
    Harness h;
    Reply lpush = decode(h.run({"COMMAND", "INFO", "lpush"}));
    REQUIRE(lpush.items.size() == 1);
    CHECK(lpush.items[0].items[0].text == "lpush");
    CHECK(lpush.items[0].items[1].integer() == -3);
    CHECK(lpush.items[0].items[2].strings() == std::vector<std::string>{"write", "denyoom", "fast"});
    Reply blpop = decode(h.run({"COMMAND", "INFO", "blpop"}));
    CHECK(blpop.items[0].items[3].integer() == 1);
    CHECK(blpop.items[0].items[4].integer() == -2);
    Reply lmove = decode(h.run({"COMMAND", "INFO", "lmove"}));
    CHECK(lmove.items[0].items[4].integer() == 2);
}

TEST_CASE("lists: COPY copies a list") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "a", "123456", "c"}) == integer(3));
    CHECK(h.run({"COPY", "l", "l2"}) == integer(1));
    CHECK(h.run({"RPUSH", "l2", "d"}) == integer(4));
    CHECK(contents(h, "l") == bulks({"a", "123456", "c"}));
    CHECK(contents(h, "l2") == bulks({"a", "123456", "c", "d"}));
}

TEST_CASE("lists: elements keep their exact bytes") {
    Harness h;
    const std::string big(20000, 'x');
    const std::string mid(300, 'y');
    const std::string binary("a\0b\r\n", 5);
    for (std::string_view e : {"0"sv, "-1"sv, "127"sv, "-128"sv, "32768"sv, "9223372036854775807"sv,
                               "-9223372036854775808"sv, "18446744073709551616"sv, "007"sv, "+1"sv, "1 "sv,
                               ""sv, std::string_view(big), std::string_view(mid), std::string_view(binary)})
        CHECK(h.run({"RPUSH", "l", e}) != "");
    CHECK(contents(h, "l") == bulks({"0", "-1", "127", "-128", "32768", "9223372036854775807",
                                      "-9223372036854775808", "18446744073709551616", "007", "+1", "1 ", "",
                                      big, mid, binary}));
    CHECK(h.run({"LINDEX", "l", "12"}) == bulk(big));
    CHECK(h.run({"LPOS", "l", "-128"}) == integer(3));
    CHECK(h.run({"LPOS", "l", big}) == integer(12));
}

// The packed list against a std::deque under a long random mix of every operation, with
// elements of every encoding and sizes that force node splits and merges.
TEST_CASE("lists: ListValue behaves like a deque under random operations") {
    std::mt19937 rng(12345);
    corokv::ListValue list;
    std::deque<std::string> model;
    auto random_element = [&]() -> std::string {
        switch (rng() % 6) {
            case 0: return std::to_string(static_cast<int>(rng() % 2000) - 1000);
            case 1: return std::to_string(static_cast<long long>(rng()) * 1000003LL);
            case 2: return std::string(1 + rng() % 5, static_cast<char>('a' + rng() % 3));
            case 3: return std::string(100 + rng() % 300, 'm');
            case 4: return std::string(rng() % 3 == 0 ? 9000 : 20, 'B');
            default: return "e" + std::to_string(rng() % 50);
        }
    };
    auto check_equal = [&] {
        REQUIRE(list.size() == model.size());
        std::size_t i = 0;
        list.for_each(0, list.size(), [&](std::string_view v) { REQUIRE(v == model[i++]); });
    };
    corokv::ListScratch scratch;
    for (int step = 0; step < 20000; ++step) {
        const unsigned op = rng() % 100;
        if (op < 25) {
            auto e = random_element();
            list.push_back(e);
            model.push_back(e);
        } else if (op < 50) {
            auto e = random_element();
            list.push_front(e);
            model.push_front(e);
        } else if (op < 60 && !model.empty()) {
            REQUIRE(list.front(scratch) == model.front());
            list.pop_front();
            model.pop_front();
        } else if (op < 70 && !model.empty()) {
            REQUIRE(list.back(scratch) == model.back());
            list.pop_back();
            model.pop_back();
        } else if (op < 78) {
            const std::size_t at = rng() % (model.size() + 1);
            auto e = random_element();
            list.insert(at, e);
            model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), e);
        } else if (op < 86 && !model.empty()) {
            const std::size_t at = rng() % model.size();
            auto e = random_element();
            list.set(at, e);
            model[at] = e;
            REQUIRE(list.at(at, scratch) == e);
        } else if (op < 92 && !model.empty()) {
            const std::string victim = model[rng() % model.size()];
            const std::int64_t limit = static_cast<std::int64_t>(rng() % 5) - 2;
            std::size_t expected = 0;
            const std::size_t budget = limit == 0 ? SIZE_MAX : static_cast<std::size_t>(limit < 0 ? -limit : limit);
            if (limit >= 0) {
                for (auto it = model.begin(); it != model.end() && expected < budget;)
                    if (*it == victim) it = model.erase(it), ++expected;
                    else ++it;
            } else {
                for (std::size_t i = model.size(); i-- > 0 && expected < budget;)
                    if (model[i] == victim) model.erase(model.begin() + static_cast<std::ptrdiff_t>(i)), ++expected;
            }
            REQUIRE(list.remove(victim, limit) == expected);
        } else if (op < 94 && !model.empty()) {
            const std::size_t first = rng() % model.size();
            const std::size_t count = rng() % (model.size() + 1);
            list.trim(first, count);
            const std::size_t keep = std::min(count, model.size() - first);
            model.erase(model.begin() + static_cast<std::ptrdiff_t>(first + keep), model.end());
            model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(first));
        } else if (op < 97 && !model.empty()) {
            const std::size_t at = rng() % model.size();
            REQUIRE(list.at(at, scratch) == model[at]);
            auto it = list.cursor(at);
            for (std::size_t i = at + 1; i-- > 0; it.prev()) {
                REQUIRE(it.valid());
                REQUIRE(it.value(scratch) == model[i]);
            }
            REQUIRE(!it.valid());
        } else {
            corokv::ListValue copy(list);
            list = std::move(copy);
        }
        if (step % 500 == 0) check_equal();
    }
    check_equal();
}

TEST_CASE("lists: a million small elements stay compact") {
    corokv::ListValue list;
    std::size_t payload = 0;
    for (int i = 0; i < 1000000; ++i) {
        const std::string e = "element:" + std::to_string(i);
        payload += e.size();
        list.push_back(e);
    }
    // Each element costs its bytes plus 2 bytes of framing, in nearly full 8 KB nodes.
    CHECK(list.allocated_bytes() < payload + 2 * 1000000 + 1000000 / 10);
    corokv::ListScratch scratch;
    CHECK(list.at(0, scratch) == "element:0");
    CHECK(list.at(999999, scratch) == "element:999999");
    CHECK(list.at(500000, scratch) == "element:500000");
    for (int i = 0; i < 999990; ++i) list.pop_front();
    CHECK(list.size() == 10);
    CHECK(list.front(scratch) == "element:999990");
}

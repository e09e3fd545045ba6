#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "resp/parser.hpp"

using namespace corokv::resp;

namespace {

using Command = std::vector<std::string>;

// Parses everything in `input` at once; stops at need_more or error.
struct Outcome {
    std::vector<Command> commands;
    ParseStatus last = ParseStatus::need_more;
    std::string error;
    std::size_t consumed = 0;
};

Outcome parse_all(RequestParser& p, std::string_view input) {
    Outcome o;
    for (;;) {
        std::size_t used = 0;
        o.last = p.parse(input.substr(o.consumed), used);
        o.consumed += used;
        if (o.last != ParseStatus::command) break;
        o.commands.emplace_back(p.args().begin(), p.args().end());
    }
    if (o.last == ParseStatus::error) o.error = p.error();
    return o;
}

Outcome parse_all(std::string_view input, ParserLimits limits = {}) {
    RequestParser p(limits);
    return parse_all(p, input);
}

// Feeds `input` the way a connection does: bytes arrive in two reads split at `cut`, and
// consumed bytes are dropped from the front of the buffer (so the buffer "moves").
Outcome parse_split(std::string_view input, std::size_t cut) {
    RequestParser p;
    Outcome total;
    std::string buffer(input.substr(0, cut));
    for (int round = 0; round < 2; ++round) {
        if (round == 1) buffer.append(input.substr(cut));
        Outcome o = parse_all(p, buffer);
        for (auto& c : o.commands) total.commands.push_back(c);
        total.last = o.last;
        total.error = o.error;
        if (o.last == ParseStatus::error) break;
        buffer.erase(0, o.consumed);
    }
    return total;
}

std::string multibulk(const Command& c) {
    std::string s = "*" + std::to_string(c.size()) + "\r\n";
    for (const auto& a : c) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    return s;
}

}  // namespace

TEST_CASE("parser: multibulk commands") {
    auto o = parse_all("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n");
    REQUIRE(o.commands.size() == 1);
    CHECK(o.commands[0] == Command{"SET", "k", "hello"});
    CHECK(o.last == ParseStatus::need_more);
}

TEST_CASE("parser: binary-safe bulks and empty bulks") {
    std::string payload("a\r\nb\0c", 6);
    auto o = parse_all(multibulk({"SET", "k", payload}) + multibulk({"SET", "", ""}));
    REQUIRE(o.commands.size() == 2);
    CHECK(o.commands[0][2] == payload);
    CHECK(o.commands[1] == Command{"SET", "", ""});
}

TEST_CASE("parser: a pipeline yields every command in order") {
    std::string input;
    for (int i = 0; i < 50; ++i) input += multibulk({"INCR", "k" + std::to_string(i)});
    input += "PING\r\n";
    auto o = parse_all(input);
    REQUIRE(o.commands.size() == 51);
    CHECK(o.commands[49] == Command{"INCR", "k49"});
    CHECK(o.commands[50] == Command{"PING"});
}

TEST_CASE("parser: every split point gives the same commands") {
    const std::string pipeline = multibulk({"SET", "key", std::string("v\r\n\0x", 5)}) +
                                 "SET \"a b\" 'c d'\r\n" + "*0\r\n" + multibulk({"GET", "key"}) +
                                 "PING\n" + multibulk({"HSET", "h", "f", std::string(300, 'x')});
    const auto whole = parse_all(pipeline);
    REQUIRE(whole.commands.size() == 5);
    for (std::size_t cut = 0; cut <= pipeline.size(); ++cut) {
        auto o = parse_split(pipeline, cut);
        INFO("cut at " << cut);
        REQUIRE(o.last == ParseStatus::need_more);
        CHECK(o.commands == whole.commands);
    }
}

TEST_CASE("parser: a prefix of a command is need_more, not an error") {
    const std::string cmd = multibulk({"SET", "k", "value"});
    for (std::size_t n = 0; n < cmd.size(); ++n) {
        auto o = parse_all(std::string_view(cmd).substr(0, n));
        INFO("prefix " << n);
        CHECK(o.commands.empty());
        CHECK(o.last == ParseStatus::need_more);
    }
}

TEST_CASE("parser: empty commands are skipped silently") {
    auto o = parse_all("*0\r\n*-1\r\n\r\n   \r\n" + multibulk({"PING"}));
    REQUIRE(o.commands.size() == 1);
    CHECK(o.commands[0] == Command{"PING"});
}

TEST_CASE("parser: inline commands") {
    auto o = parse_all("SET a b\r\nGET a\nPING\r\n");
    REQUIRE(o.commands.size() == 3);
    CHECK(o.commands[0] == Command{"SET", "a", "b"});
    CHECK(o.commands[1] == Command{"GET", "a"});
}

TEST_CASE("parser: inline quoting and escapes as redis-cli sends them") {
    auto o = parse_all("SET \"a b\" 'c\\'d' \"\\x41\\n\\t\\\\\\\"\"\r\n");
    REQUIRE(o.commands.size() == 1);
    CHECK(o.commands[0] == Command{"SET", "a b", "c'd", "A\n\t\\\""});
    std::vector<std::string> args;
    CHECK(split_inline_args("  one\ttwo  ", args));
    CHECK(args == std::vector<std::string>{"one", "two"});
    CHECK(split_inline_args("\"\\xzz\"", args));
    CHECK(args == std::vector<std::string>{"xzz"});
    CHECK_FALSE(split_inline_args("\"unterminated", args));
    CHECK_FALSE(split_inline_args("'unterminated", args));
    CHECK_FALSE(split_inline_args("\"closed\"x", args));  // closing quote must end the token
}

TEST_CASE("parser: Redis's protocol error texts") {
    CHECK(parse_all("*abc\r\n").error == "ERR Protocol error: invalid multibulk length");
    CHECK(parse_all("*3000000000\r\n").error == "ERR Protocol error: invalid multibulk length");
    CHECK(parse_all("*1\r\n$abc\r\n").error == "ERR Protocol error: invalid bulk length");
    CHECK(parse_all("*1\r\n$-1\r\n").error == "ERR Protocol error: invalid bulk length");
    CHECK(parse_all("*1\r\nx3\r\n").error == "ERR Protocol error: expected '$', got 'x'");
    CHECK(parse_all("SET \"a\r\n").error == "ERR Protocol error: unbalanced quotes in request");
    CHECK(parse_all(std::string(65 * 1024, 'a')).error == "ERR Protocol error: too big inline request");
    CHECK(parse_all("*" + std::string(65 * 1024, '1')).error ==
          "ERR Protocol error: too big mbulk count string");
    CHECK(parse_all("*1\r\n$" + std::string(65 * 1024, '1')).error ==
          "ERR Protocol error: too big bulk count string");
}

TEST_CASE("parser: a bulk above proto-max-bulk-len is refused before it arrives") {
    ParserLimits limits;
    limits.max_bulk_len = 1024;
    auto o = parse_all("*2\r\n$3\r\nGET\r\n$2000\r\n", limits);
    CHECK(o.last == ParseStatus::error);
    CHECK(o.error == "ERR Protocol error: invalid bulk length");
    CHECK(parse_all("*1\r\n$1024\r\n", limits).last == ParseStatus::need_more);
}

TEST_CASE("parser: bytes_needed_hint reports the size of a pending bulk") {
    RequestParser p;
    std::size_t used = 0;
    CHECK(p.parse("*1\r\n$100000\r\nabc", used) == ParseStatus::need_more);
    CHECK(p.bytes_needed_hint() == std::string("*1\r\n$100000\r\n").size() + 100000 + 2);
}

TEST_CASE("parser: usable again after an error") {
    RequestParser p;
    std::size_t used = 0;
    CHECK(p.parse("*x\r\n", used) == ParseStatus::error);
    p.reset();
    CHECK(p.parse("PING\r\n", used) == ParseStatus::command);
    CHECK(p.args().size() == 1);
}

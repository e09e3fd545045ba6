// RESP request parser. Expected results for odd inputs were taken from a real Redis 7.0.15
// fed the same raw bytes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "resp/parser.hpp"

using namespace corokv::resp;
using namespace std::string_literals;

namespace {

using Command = std::vector<std::string>;

struct Outcome {
    std::vector<Command> commands;
    ParseStatus last = ParseStatus::need_more;
    std::string error;
    std::size_t consumed = 0;
};

// Parses everything in `input` at once; stops at need_more or error.
Outcome parse_all(RequestParser& p, std::string_view input) {
    Outcome o;
    for (;;) {
        std::size_t used = 0;
        o.last = p.parse(input.substr(o.consumed), used);
        REQUIRE(used <= input.size() - o.consumed);
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

std::string error_of(std::string_view input, ParserLimits limits = {}) {
    return parse_all(input, limits).error;
}

// Feeds `input` the way a connection does: the bytes arrive in reads of the given sizes,
// and consumed bytes are dropped from the front of the buffer (so the buffer "moves").
Outcome parse_in_reads(std::string_view input, const std::vector<std::size_t>& read_sizes) {
    RequestParser p;
    Outcome total;
    std::string buffer;
    std::size_t pos = 0;
    for (std::size_t size : read_sizes) {
        buffer.append(input.substr(pos, size));
        pos = std::min(input.size(), pos + size);
        Outcome o = parse_all(p, buffer);
        total.commands.insert(total.commands.end(), o.commands.begin(), o.commands.end());
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

ParserLimits small_limits() {
    ParserLimits limits;
    limits.max_inline_len = 16;
    limits.max_bulk_len = 1024;
    limits.max_multibulk_len = 100;
    return limits;
}

constexpr const char* kInvalidMultibulk = "ERR Protocol error: invalid multibulk length";
constexpr const char* kInvalidBulk = "ERR Protocol error: invalid bulk length";

}  // namespace

TEST_CASE("parser: a multibulk command") {
    auto o = parse_all("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n");
    REQUIRE(o.commands.size() == 1);
    CHECK(o.commands[0] == Command{"SET", "k", "hello"});
    CHECK(o.consumed == 31);
    CHECK(o.last == ParseStatus::need_more);
}

TEST_CASE("parser: multibulk arguments are views into the input") {
    const std::string input = multibulk({"GET", "key"});
    RequestParser p;
    std::size_t used = 0;
    REQUIRE(p.parse(input, used) == ParseStatus::command);
    CHECK(used == input.size());
    for (std::string_view arg : p.args()) {
        CHECK(arg.data() >= input.data());
        CHECK(arg.data() + arg.size() <= input.data() + input.size());
    }
}

TEST_CASE("parser: inline arguments live in the parser, not in the input") {
    const std::string input = "SET \"a b\" c\r\n";
    RequestParser p;
    std::size_t used = 0;
    REQUIRE(p.parse(input, used) == ParseStatus::command);
    REQUIRE(p.args().size() == 3);
    const char* first = p.args()[0].data();
    CHECK((first < input.data() || first >= input.data() + input.size()));
    CHECK(p.args()[1] == "a b");
    // The next inline command reuses the same strings.
    REQUIRE(p.parse("GET x\n", used) == ParseStatus::command);
    CHECK(p.args()[0].data() == first);
}

TEST_CASE("parser: binary-safe bulks and empty bulks") {
    const std::string payload("a\r\nb\0c\r\n", 8);
    auto o = parse_all(multibulk({"SET", "k", payload}) + multibulk({"SET", "", ""}));
    REQUIRE(o.commands.size() == 2);
    CHECK(o.commands[0][2] == payload);
    CHECK(o.commands[1] == Command{"SET", "", ""});
}

TEST_CASE("parser: a pipeline yields every command in order, inline and multibulk mixed") {
    std::string input;
    for (int i = 0; i < 50; ++i) input += multibulk({"INCR", "k" + std::to_string(i)});
    input += "PING\r\nECHO hi\n" + multibulk({"GET", "k"});
    auto o = parse_all(input);
    REQUIRE(o.commands.size() == 53);
    CHECK(o.commands[49] == Command{"INCR", "k49"});
    CHECK(o.commands[50] == Command{"PING"});
    CHECK(o.commands[51] == Command{"ECHO", "hi"});
    CHECK(o.commands[52] == Command{"GET", "k"});
    CHECK(o.consumed == input.size());
}

TEST_CASE("parser: any prefix is need_more, and the same start plus the rest completes it") {
    const std::vector<std::string> commands = {
        multibulk({"SET", "key", "value"}),
        multibulk({"SET", "bin", "v\r\n\0x\r"s}),
        multibulk({"ECHO", ""}),
        multibulk({"DEL", std::string(300, 'k')}),
        "SET a b\r\n",
        "PING\n",
        "SET \"a b\" 'c\\'d' \"\\x41\\n\"\r\n",
    };
    for (const std::string& cmd : commands) {
        const Command expected = parse_all(cmd).commands.at(0);
        for (std::size_t n = 0; n < cmd.size(); ++n) {
            CAPTURE(cmd);
            CAPTURE(n);
            RequestParser p;
            std::size_t used = 99;
            REQUIRE(p.parse(std::string_view(cmd).substr(0, n), used) == ParseStatus::need_more);
            REQUIRE(used == 0);
            // The caller's buffer moves between calls: parse a copy.
            const std::string grown = cmd;
            REQUIRE(p.parse(grown, used) == ParseStatus::command);
            CHECK(used == cmd.size());
            CHECK(Command(p.args().begin(), p.args().end()) == expected);
        }
    }
}

TEST_CASE("parser: a pipeline split at every byte gives the same commands") {
    const std::string pipeline = multibulk({"SET", "key", "v\r\n\0x"s}) + "SET \"a b\" 'c d'\r\n" + "*0\r\n" +
                                 multibulk({"GET", "key"}) + "\r\n" + "PING\n" + "*-1\r\n" +
                                 multibulk({"HSET", "h", "f", std::string(300, 'x')});
    const auto whole = parse_all(pipeline);
    REQUIRE(whole.commands.size() == 5);
    CHECK(whole.consumed == pipeline.size());
    for (std::size_t cut = 0; cut <= pipeline.size(); ++cut) {
        CAPTURE(cut);
        auto o = parse_in_reads(pipeline, {cut, pipeline.size() - cut});
        REQUIRE(o.last == ParseStatus::need_more);
        CHECK(o.commands == whole.commands);
    }
    SUBCASE("and one byte at a time") {
        auto o = parse_in_reads(pipeline, std::vector<std::size_t>(pipeline.size(), 1));
        CHECK(o.commands == whole.commands);
    }
    SUBCASE("and in reads of 7 bytes") {
        auto o = parse_in_reads(pipeline, std::vector<std::size_t>(pipeline.size() / 7 + 1, 7));
        CHECK(o.commands == whole.commands);
    }
}

TEST_CASE("parser: empty commands are skipped silently") {
    auto o = parse_all("*0\r\n*-1\r\n*-5\r\n\r\n\n   \r\n\t\r\n" + multibulk({"PING"}));
    REQUIRE(o.commands.size() == 1);
    CHECK(o.commands[0] == Command{"PING"});

    SUBCASE("they count as consumed even when nothing follows") {
        RequestParser p;
        std::size_t used = 0;
        CHECK(p.parse("*0\r\n\r\n", used) == ParseStatus::need_more);
        CHECK(used == 6);
    }
    SUBCASE("and before an incomplete command, which then continues after them") {
        RequestParser p;
        std::size_t used = 0;
        const std::string input = "*0\r\n" + multibulk({"GET", "k"});
        CHECK(p.parse(std::string_view(input).substr(0, 12), used) == ParseStatus::need_more);
        CHECK(used == 4);
        CHECK(p.parse(std::string_view(input).substr(4), used) == ParseStatus::command);
        CHECK(used == input.size() - 4);
        CHECK(Command(p.args().begin(), p.args().end()) == Command{"GET", "k"});
    }
}

TEST_CASE("parser: inline commands end at \\n or \\r\\n") {
    auto o = parse_all("SET a b\r\nGET a\nPING\r\r\n\rPING\r\n");
    REQUIRE(o.commands.size() == 4);
    CHECK(o.commands[0] == Command{"SET", "a", "b"});
    CHECK(o.commands[1] == Command{"GET", "a"});
    CHECK(o.commands[2] == Command{"PING"});  // the extra '\r' ends the argument
    CHECK(o.commands[3] == Command{"PING"});
    CHECK(parse_all("PING").last == ParseStatus::need_more);
}

TEST_CASE("parser: inline quoting and escapes like sdssplitargs") {
    auto o = parse_all("SET \"a b\" 'c\\'d' \"\\x41\\n\"\r\n");
    REQUIRE(o.commands.size() == 1);
    CHECK(o.commands[0] == Command{"SET", "a b", "c'd", "A\n"});

    struct Case {
        std::string line;
        Command args;
    };
    const std::vector<Case> cases = {
        {"  one\ttwo  ", {"one", "two"}},
        {"\"\\t\\r\\b\\a\\\\\\\"\"", {"\t\r\b\a\\\""}},
        {"\"\\x4\"", {"x4"}},             // \x needs two hex digits, else it is just 'x'
        {"\"\\xzz\"", {"xzz"}},
        {"\"\\xfF\\x00\"", {"\xff\0"s}},  // hex escapes can produce any byte
        {"\"a\\qb\"", {"aqb"}},           // unknown escapes stand for the character
        {"'a\\nb'", {"a\\nb"}},           // single quotes only know \'
        {"'a\\\\b'", {"a\\\\b"}},
        {"\"\" ''", {"", ""}},
        {"a\"b c\"", {"ab c"}},          // a quote may start inside an argument
        {"\vx", {"x"}},                   // isspace() skips \v before an argument...
        {"a\vb", {"a\vb"}},               // ...but only ' ', \t, \r, \n end one
        {"\"a\"\v", {"a"}},               // \v does count as a blank after a closing quote
        {"ECHO \xff", {"ECHO", "\xff"}},
        {"a\0b c"s, {"a"}},               // a C string: NUL ends the line
    };
    for (const Case& c : cases) {
        CAPTURE(c.line);
        std::vector<std::string> args{"stale", "strings"};
        CHECK(split_inline_args(c.line, args));
        CHECK(args == c.args);
    }
}

TEST_CASE("parser: unbalanced quotes") {
    for (const char* line : {"\"unterminated", "'unterminated", "\"closed\"x", "'closed'x", "a\"b c\"d",
                             "\"ends in backslash\\", "\"\\\"", "'\\'"}) {
        CAPTURE(line);
        std::vector<std::string> args;
        CHECK_FALSE(split_inline_args(line, args));
        CHECK(error_of(std::string("SET ") + line + "\r\n") ==
              "ERR Protocol error: unbalanced quotes in request");
    }
}

TEST_CASE("parser: invalid multibulk length") {
    for (const char* input : {"*abc\r\n", "*\r\n", "* 1\r\n", "*+1\r\n", "*01\r\n", "*-0\r\n", "*1 \r\n",
                              "*1XPING\r\n", "*2147483648\r\n", "*99999999999999999999\r\n",
                              "*100000000000000000000\r\n"}) {
        CAPTURE(input);
        CHECK(error_of(input) == kInvalidMultibulk);
    }
    // INT_MAX itself is accepted: the count alone allocates nothing.
    CHECK(parse_all("*2147483647\r\n").last == ParseStatus::need_more);
    CHECK(parse_all("*100\r\n", small_limits()).last == ParseStatus::need_more);
    CHECK(error_of("*101\r\n", small_limits()) == kInvalidMultibulk);
}

TEST_CASE("parser: invalid bulk length") {
    for (const char* input : {"*1\r\n$abc\r\n", "*1\r\n$\r\n", "*1\r\n$-1\r\n", "*1\r\n$-0\r\n", "*1\r\n$01\r\n",
                              "*1\r\n$+1\r\n", "*1\r\n$536870913\r\n", "*1\r\n$99999999999999999999\r\n",
                              "*1\r\n$999999999999999999999\r\n"}) {
        CAPTURE(input);
        CHECK(error_of(input) == kInvalidBulk);
    }
    // proto-max-bulk-len itself is fine.
    CHECK(parse_all("*1\r\n$536870912\r\n").last == ParseStatus::need_more);
}

TEST_CASE("parser: a bulk above the limit is refused from its header, before its data") {
    const ParserLimits limits = small_limits();
    RequestParser p(limits);
    std::size_t used = 0;
    CHECK(p.parse("*2\r\n$3\r\nGET\r\n$2000\r\n", used) == ParseStatus::error);
    CHECK(p.error() == kInvalidBulk);
    CHECK(p.bytes_needed_hint() == 0);
    CHECK(parse_all("*1\r\n$1024\r\n", limits).last == ParseStatus::need_more);
    CHECK(parse_all(multibulk({std::string(1024, 'x')}), limits).commands.size() == 1);

    SUBCASE("set_limits applies to the next header") {
        RequestParser q;
        q.set_limits(limits);
        CHECK(q.limits().max_bulk_len == 1024);
        CHECK(q.parse("*1\r\n$1025\r\n", used) == ParseStatus::error);
    }
}

TEST_CASE("parser: expected '$'") {
    CHECK(error_of("*1\r\nx3\r\n") == "ERR Protocol error: expected '$', got 'x'");
    CHECK(error_of("*1\r\n\xff\r\n") == "ERR Protocol error: expected '$', got '\xff'");
    CHECK(error_of("*2\r\n$1\r\na\r\n:1\r\n") == "ERR Protocol error: expected '$', got ':'");
    // Redis turns newlines in error replies into spaces.
    CHECK(error_of("*1\r\n\r\n") == "ERR Protocol error: expected '$', got ' '");
    CHECK(error_of("*1\r\n\n\r\n") == "ERR Protocol error: expected '$', got ' '");
    // The check waits for a whole header line.
    CHECK(parse_all("*1\r\nx").last == ParseStatus::need_more);
}

TEST_CASE("parser: lines too long to be a header or an inline command") {
    const ParserLimits limits = small_limits();  // max_inline_len = 16
    const std::string at_limit(16, '1');

    CHECK(parse_all(at_limit, limits).last == ParseStatus::need_more);
    CHECK(error_of(at_limit + "1", limits) == "ERR Protocol error: too big inline request");

    CHECK(parse_all("*" + at_limit.substr(1), limits).last == ParseStatus::need_more);
    CHECK(error_of("*" + at_limit, limits) == "ERR Protocol error: too big mbulk count string");

    // Counted from the start of the bulk header, not of the command.
    CHECK(parse_all("*1\r\n$" + at_limit.substr(1), limits).last == ParseStatus::need_more);
    CHECK(error_of("*1\r\n$" + at_limit, limits) == "ERR Protocol error: too big bulk count string");

    // The limit only applies while the line has no end yet, as in Redis.
    CHECK(parse_all("ECHO " + std::string(100, 'a') + "\r\n", limits).commands.size() == 1);
    CHECK(error_of("*" + std::string(100, '1') + "\r\n", limits) == kInvalidMultibulk);

    SUBCASE("with the default 64 KB") {
        CHECK(error_of(std::string(64 * 1024 + 1, 'a')) == "ERR Protocol error: too big inline request");
        CHECK(parse_all(std::string(64 * 1024, 'a')).last == ParseStatus::need_more);
        CHECK(error_of("*" + std::string(64 * 1024, '1')) == "ERR Protocol error: too big mbulk count string");
        CHECK(error_of("*1\r\n$" + std::string(64 * 1024, '1')) ==
              "ERR Protocol error: too big bulk count string");
    }
}

TEST_CASE("parser: a NUL byte hides the end of a line, as with Redis's strchr()") {
    const ParserLimits limits = small_limits();
    CHECK(parse_all("PING\0\r\nPING\r\n"s, limits).last == ParseStatus::need_more);
    CHECK(error_of("PING\0\r\nPING\r\nPING\r\n"s, limits) == "ERR Protocol error: too big inline request");
    CHECK(parse_all("*1\0\r\n$4\r\nPING\r\n"s).last == ParseStatus::need_more);
    CHECK(error_of("*1\0\r\n$4\r\nPING\r\nPING\r\n"s, limits) == "ERR Protocol error: too big mbulk count string");
    CHECK(parse_all("*1\r\n$4\0\r\nPING\r\n"s).last == ParseStatus::need_more);
    // Inside bulk data a NUL is just a byte.
    CHECK(parse_all(multibulk({"ECHO", "\0\0"s})).commands.size() == 1);
}

TEST_CASE("parser: the bytes after a header's \\r and after a bulk are skipped unchecked") {
    const std::string input = "*1\rX$4\r\nPINGxy*2\r\n$4\r\nECHO\r\n$1\r\nab\r\n";
    auto o = parse_all(input);
    REQUIRE(o.commands.size() == 2);
    CHECK(o.commands[0] == Command{"PING"});
    CHECK(o.commands[1] == Command{"ECHO", "a"});  // then "\n" is an empty inline line
    CHECK(o.consumed == input.size());
    // A header ending in "\r" still waits for one more byte.
    CHECK(parse_all("*1\r").last == ParseStatus::need_more);
}

TEST_CASE("parser: bytes_needed_hint reports the size of a pending bulk") {
    RequestParser p;
    std::size_t used = 0;
    const std::string header = "*2\r\n$3\r\nSET\r\n$100000\r\n";
    CHECK(p.parse(header + "abc", used) == ParseStatus::need_more);
    CHECK(p.bytes_needed_hint() == header.size() + 100000 + 2);

    // Counted from the start of the input, skipped empty commands included.
    RequestParser q;
    CHECK(q.parse("*0\r\n" + header, used) == ParseStatus::need_more);
    CHECK(used == 4);
    CHECK(q.bytes_needed_hint() == 4 + header.size() + 100000 + 2);

    // No hint while a header is incomplete or once the command is complete.
    RequestParser r;
    CHECK(r.parse("*2\r\n$3\r\nSET\r\n$10", used) == ParseStatus::need_more);
    CHECK(r.bytes_needed_hint() == 0);
    CHECK(r.parse("*2\r\n$3\r\nSET\r\n$10\r\n0123456789\r\n", used) == ParseStatus::command);
    CHECK(r.bytes_needed_hint() == 0);
}

TEST_CASE("parser: usable again after an error or a reset") {
    RequestParser p;
    std::size_t used = 0;
    CHECK(p.parse("*x\r\n", used) == ParseStatus::error);
    CHECK(p.parse("PING\r\n", used) == ParseStatus::command);
    CHECK(p.args().size() == 1);

    CHECK(p.parse("*2\r\n$3\r\nGET\r\n", used) == ParseStatus::need_more);
    p.reset();
    const std::string ping = multibulk({"PING"});  // outlives the argument views
    CHECK(p.parse(ping, used) == ParseStatus::command);
    CHECK(Command(p.args().begin(), p.args().end()) == Command{"PING"});
}

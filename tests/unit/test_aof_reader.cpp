// Reading AOF bytes: complete commands, annotations, a torn tail, and garbage.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "persistence/aof_reader.hpp"

using namespace corokv;

namespace {
const std::string kSet = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
const std::string kIncr = "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n";
}  // namespace

TEST_CASE("aof reader: commands and annotations") {
    const std::string data = "#TS:1700000000\r\n" + kSet + kIncr;
    AofReader reader(data);
    std::vector<std::string_view> args;
    REQUIRE(reader.next(args) == AofReader::Status::command);
    CHECK(args == std::vector<std::string_view>{"SET", "k", "hello"});
    REQUIRE(reader.next(args) == AofReader::Status::command);
    CHECK(args == std::vector<std::string_view>{"INCR", "n"});
    CHECK(reader.next(args) == AofReader::Status::end);
    CHECK(reader.valid_bytes() == data.size());
}

TEST_CASE("aof reader: a file cut anywhere inside the last command is truncated, not corrupt") {
    const std::string data = kSet + kIncr;
    for (std::size_t cut = kSet.size() + 1; cut < data.size(); ++cut) {
        CAPTURE(cut);
        AofReader reader(std::string_view(data).substr(0, cut));
        std::vector<std::string_view> args;
        REQUIRE(reader.next(args) == AofReader::Status::command);
        CHECK(reader.next(args) == AofReader::Status::truncated);
        CHECK(reader.valid_bytes() == kSet.size());
        CHECK(reader.error_offset() == kSet.size());
    }
}

TEST_CASE("aof reader: bytes that cannot start a command are a format error at their offset") {
    std::vector<std::string_view> args;
    for (const std::string& garbage : {std::string("SET k v\r\n"), std::string("*0\r\n"), std::string("*x\r\n"),
                                       std::string("*2\r\n$4\r\nINCR\r\n:1\r\n"), std::string("*1\r\n$-1\r\n")}) {
        CAPTURE(garbage);
        const std::string data = kSet + garbage + kIncr;
        AofReader reader(data);
        REQUIRE(reader.next(args) == AofReader::Status::command);
        CHECK(reader.next(args) == AofReader::Status::bad_format);
        CHECK(reader.error_offset() == kSet.size());
        CHECK(reader.next(args) == AofReader::Status::end);
    }
}

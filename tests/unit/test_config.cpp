#include <doctest/doctest.h>

#include <array>

#include "config/config.hpp"

using namespace corokv;

TEST_CASE("config: memory sizes use Redis's units") {
    CHECK(parse_memory("100").value() == 100);
    CHECK(parse_memory("1k").value() == 1000);
    CHECK(parse_memory("1kb").value() == 1024);
    CHECK(parse_memory("64mb").value() == 64LL * 1024 * 1024);
    CHECK(parse_memory("1GB").value() == 1024LL * 1024 * 1024);
    CHECK(parse_memory("2g").value() == 2000000000LL);
    CHECK_FALSE(parse_memory("lots"));
    CHECK_FALSE(parse_memory("-1"));
}

TEST_CASE("config: set and get by Redis names") {
    Config c;
    CHECK(c.set("port", "7000"));
    CHECK(c.port == 7000);
    CHECK(c.get("port").value() == "7000");
    CHECK(c.set("MAXCLIENTS", "5"));
    CHECK(c.maxclients.load() == 5);
    CHECK(c.set("proto-max-bulk-len", "2mb"));
    CHECK(c.proto_max_bulk_len.load() == 2 * 1024 * 1024);
    CHECK(c.set("requirepass", "secret"));
    CHECK(c.requirepass() == "secret");
    CHECK(c.set("requirepass", ""));
    CHECK(c.requirepass().empty());
}

TEST_CASE("config: bad values and unknown keys are refused with the key's name") {
    Config c;
    auto unknown = c.set("no-such-thing", "1");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("no-such-thing") != std::string::npos);
    CHECK_FALSE(c.set("port", "abc"));
    CHECK_FALSE(c.set("port", "70000"));
    CHECK_FALSE(c.set("shards", "3"));  // must be a power of two
    CHECK_FALSE(c.set("loglevel", "loud"));
    CHECK_FALSE(c.set("appendonly", "maybe"));
    CHECK(c.set("appendonly", "YES"));
    CHECK(c.appendonly.load());
    CHECK_FALSE(c.set("appendfsync", "sometimes"));
    CHECK(c.set("appendfsync", "always"));
    CHECK(c.appendfsync.load() == AppendFsync::always);
    CHECK_FALSE(c.set("appendfilename", "../x.aof"));
    CHECK_FALSE(c.set("aof-use-rdb-preamble", "yes"));
    CHECK(c.set("auto-aof-rewrite-min-size", "1mb"));
    CHECK(c.auto_aof_rewrite_min_size.load() == 1024 * 1024);
}

TEST_CASE("config: immutable settings are refused at run time") {
    Config c;
    auto r = c.set("port", "7001", /*at_runtime=*/true);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "can't set immutable config");
    CHECK(c.set("maxclients", "10", true));
}

TEST_CASE("config: JSON file values may be numbers, strings or booleans") {
    Config c;
    CHECK(c.load_json_text(R"({"port": 7002, "bind": "127.0.0.1", "proto-max-bulk-len": "16mb",
                               "appendonly": false})"));
    CHECK(c.port == 7002);
    CHECK(c.proto_max_bulk_len.load() == 16 * 1024 * 1024);
    auto bad = c.load_json_text(R"({"port": "abc"})");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("'port'") != std::string::npos);
    CHECK_FALSE(c.load_json_text(R"({"port": [1]})"));
    CHECK_FALSE(c.load_json_text("not json"));
}

TEST_CASE("config: command-line flags override and are validated") {
    Config c;
    std::array<std::string_view, 4> args = {"--port", "7100", "--threads", "2"};
    CHECK(apply_command_line(c, args));
    CHECK(c.port == 7100);
    CHECK(c.threads == 2);
    std::array<std::string_view, 2> bad = {"--bogus", "1"};
    auto r = apply_command_line(c, bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("bogus") != std::string::npos);
    std::array<std::string_view, 1> missing = {"--port"};
    CHECK_FALSE(apply_command_line(c, missing));
}

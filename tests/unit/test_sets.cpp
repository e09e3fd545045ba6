// Set commands (Redis 7.0's t_set.c). Expected replies were recorded from Redis 7.0.15;
// random and order-free replies (SPOP, SRANDMEMBER, hashtable iteration) are checked for
// what must hold.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace corokv::test;
using namespace std::literals;

namespace {

std::string resp_set(std::initializer_list<std::string> items) {
    std::string s = "~" + std::to_string(items.size()) + "\r\n";
    for (const auto& i : items) s += i;
    return s;
}

std::vector<std::string> members(Harness& h, std::string_view key) {
    return sorted(decode(h.run({"SMEMBERS", key})).strings());
}

std::string encoding(Harness& h, std::string_view key) {
    return decode(h.run({"OBJECT", "ENCODING", key})).text;
}

// SADD key m1 m2 ... from generated members.
void sadd_all(Harness& h, std::string key, const std::vector<std::string>& ms) {
    std::vector<std::string> args{"SADD", std::move(key)};
    args.insert(args.end(), ms.begin(), ms.end());
    h.run_strings(args);
}

std::vector<std::string> numbers(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
    return out;
}

}  // namespace

TEST_CASE("sets: SADD, SCARD, SISMEMBER, SMISMEMBER") {
    Harness h;
    CHECK(h.run({"SADD", "s", "a", "b", "c", "a"}) == integer(3));
    CHECK(h.run({"SADD", "s", "a", "d"}) == integer(1));
    CHECK(h.run({"SCARD", "s"}) == integer(4));
    CHECK(h.run({"SCARD", "missing"}) == integer(0));
    CHECK(h.run({"SISMEMBER", "s", "a"}) == integer(1));
    CHECK(h.run({"SISMEMBER", "s", "zz"}) == integer(0));
    CHECK(h.run({"SISMEMBER", "missing", "a"}) == integer(0));
    CHECK(h.run({"SMISMEMBER", "s", "a", "zz", "d"}) == array({integer(1), integer(0), integer(1)}));
    CHECK(h.run({"SMISMEMBER", "missing", "a", "b"}) == array({integer(0), integer(0)}));
    CHECK(h.run({"TYPE", "s"}) == simple("set"));
    CHECK(h.run({"SADD", "s", ""}) == integer(1));
    CHECK(h.run({"SISMEMBER", "s", ""}) == integer(1));
    CHECK(h.run({"SADD", "bin", "a\0b"s, "a"}) == integer(2));
    CHECK(h.run({"SISMEMBER", "bin", "a\0b"s}) == integer(1));
    CHECK(h.run({"SISMEMBER", "bin", "a\0c"s}) == integer(0));
}

TEST_CASE("sets: arity errors") {
    Harness h;
    CHECK(h.run({"SADD", "s"}) == arity_error("sadd"));
    CHECK(h.run({"SREM", "s"}) == arity_error("srem"));
    CHECK(h.run({"SMEMBERS"}) == arity_error("smembers"));
    CHECK(h.run({"SMEMBERS", "a", "b"}) == arity_error("smembers"));
    CHECK(h.run({"SISMEMBER", "s"}) == arity_error("sismember"));
    CHECK(h.run({"SMISMEMBER", "s"}) == arity_error("smismember"));
    CHECK(h.run({"SCARD"}) == arity_error("scard"));
    CHECK(h.run({"SPOP"}) == arity_error("spop"));
    CHECK(h.run({"SRANDMEMBER"}) == arity_error("srandmember"));
    CHECK(h.run({"SMOVE", "a", "b"}) == arity_error("smove"));
    CHECK(h.run({"SINTER"}) == arity_error("sinter"));
    CHECK(h.run({"SINTERCARD", "1"}) == arity_error("sintercard"));
    CHECK(h.run({"SINTERSTORE", "d"}) == arity_error("sinterstore"));
    CHECK(h.run({"SUNIONSTORE", "d"}) == arity_error("sunionstore"));
    CHECK(h.run({"SDIFFSTORE", "d"}) == arity_error("sdiffstore"));
    CHECK(h.run({"SSCAN", "s"}) == arity_error("sscan"));
}

TEST_CASE("sets: WRONGTYPE from every command") {
    Harness h;
    CHECK(h.run({"SET", "str", "x"}) == ok());
    CHECK(h.run({"SADD", "s", "1"}) == integer(1));
    for (auto cmd : std::vector<std::vector<std::string_view>>{
             {"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SMEMBERS", "str"},
             {"SISMEMBER", "str", "a"}, {"SMISMEMBER", "str", "a", "b"}, {"SCARD", "str"},
             {"SPOP", "str"}, {"SPOP", "str", "0"}, {"SRANDMEMBER", "str"},
             {"SRANDMEMBER", "str", "0"}, {"SMOVE", "s", "str", "1"}, {"SMOVE", "str", "s", "a"},
             {"SINTER", "missing", "str"}, {"SUNION", "missing", "str"}, {"SDIFF", "str", "missing"},
             {"SDIFF", "missing", "str"}, {"SINTERCARD", "2", "missing", "str"},
             {"SINTERSTORE", "d", "missing", "str"}, {"SUNIONSTORE", "d", "s", "str"},
             {"SDIFFSTORE", "d", "s", "str"}, {"SSCAN", "str", "0"}}) {
        CAPTURE(cmd[0]);
        CHECK(h.run(cmd) == wrongtype());
    }
    // Argument errors come before the type check where Redis parses first.
    CHECK(h.run({"SPOP", "str", "abc"}) == err("ERR value is out of range, must be positive"));
    CHECK(h.run({"SRANDMEMBER", "str", "abc"}) == not_integer());
    CHECK(h.run({"SSCAN", "str", "abc"}) == err("ERR invalid cursor"));
    // A missing source makes SMOVE answer 0 whatever the destination holds.
    CHECK(h.run({"SMOVE", "missing", "str", "a"}) == integer(0));
    CHECK(h.run({"GET", "str"}) == bulk("x"));
}

TEST_CASE("sets: SREM deletes the key with its last member") {
    Harness h;
    CHECK(h.run({"SADD", "s", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"SREM", "s", "a", "zz", "a"}) == integer(1));
    CHECK(h.run({"SREM", "missing", "a"}) == integer(0));
    CHECK(h.run({"SREM", "s", "b", "c", "d"}) == integer(2));
    CHECK(h.run({"EXISTS", "s"}) == integer(0));
    CHECK(h.run({"SADD", "i", "1", "2"}) == integer(2));
    CHECK(h.run({"SREM", "i", "1", "x", "01"}) == integer(1));
    CHECK(h.run({"SMEMBERS", "i"}) == array({bulk("2")}));
}

TEST_CASE("sets: intset encoding, its ordering and the one-way conversion") {
    Harness h;
    CHECK(h.run({"SADD", "s", "3", "1", "2"}) == integer(3));
    CHECK(encoding(h, "s") == "intset");
    CHECK(h.run({"SMEMBERS", "s"}) == array({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"SADD", "s", "a"}) == integer(1));
    CHECK(encoding(h, "s") == "hashtable");
    CHECK(h.run({"SREM", "s", "a"}) == integer(1));
    CHECK(encoding(h, "s") == "hashtable");

    // Only Redis's strict integer form is an integer: +1 and 01 are strings.
    CHECK(h.run({"SADD", "t", "5", "+1"}) == integer(2));
    CHECK(encoding(h, "t") == "hashtable");
    CHECK(h.run({"SADD", "u", "01"}) == integer(1));
    CHECK(encoding(h, "u") == "hashtable");
    CHECK(h.run({"SADD", "limits", "9223372036854775807", "-9223372036854775808"}) == integer(2));
    CHECK(encoding(h, "limits") == "intset");
    CHECK(h.run({"SMEMBERS", "limits"}) ==
          array({bulk("-9223372036854775808"), bulk("9223372036854775807")}));
    CHECK(h.run({"SADD", "over", "9223372036854775808"}) == integer(1));
    CHECK(encoding(h, "over") == "hashtable");

    // 512 integers stay an intset, the 513th converts.
    sadd_all(h, "big", numbers(1, 512));
    CHECK(encoding(h, "big") == "intset");
    CHECK(h.run({"SCARD", "big"}) == integer(512));
    CHECK(h.run({"SADD", "big", "513"}) == integer(1));
    CHECK(encoding(h, "big") == "hashtable");
    CHECK(h.run({"SCARD", "big"}) == integer(513));
    CHECK(h.run({"SISMEMBER", "big", "77"}) == integer(1));
    CHECK(members(h, "big").size() == 513);
}

TEST_CASE("sets: SMEMBERS, empty and RESP3") {
    Harness h;
    CHECK(h.run({"SMEMBERS", "missing"}) == array({}));
    CHECK(h.run({"SADD", "s", "b", "a"}) == integer(2));
    CHECK(members(h, "s") == std::vector<std::string>{"a", "b"});
    CHECK(h.run({"SADD", "i", "3", "1", "2"}) == integer(3));
    CHECK(h.run({"HELLO", "3"}).size() > 0);
    CHECK(h.run({"SMEMBERS", "i"}) == resp_set({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"SMEMBERS", "missing"}) == "~0\r\n");
    CHECK(decode(h.run({"SMEMBERS", "s"})).type == '~');
    CHECK(h.run({"SPOP", "missing"}) == "_\r\n");
    CHECK(h.run({"SPOP", "missing", "2"}) == "~0\r\n");
    CHECK(h.run({"SRANDMEMBER", "missing"}) == "_\r\n");
    CHECK(h.run({"SRANDMEMBER", "missing", "2"}) == "*0\r\n");
    CHECK(h.run({"SRANDMEMBER", "i", "5"}) == array({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"SMISMEMBER", "i", "1", "9"}) == array({integer(1), integer(0)}));
    CHECK(h.run({"SADD", "j", "2", "3", "4"}) == integer(3));
    CHECK(h.run({"SINTER", "i", "j"}) == resp_set({bulk("2"), bulk("3")}));
    CHECK(h.run({"SINTER", "i", "missing"}) == "~0\r\n");
    CHECK(h.run({"SUNION", "i", "j"}) == resp_set({bulk("1"), bulk("2"), bulk("3"), bulk("4")}));
    CHECK(h.run({"SDIFF", "i", "j"}) == resp_set({bulk("1")}));
    CHECK(h.run({"SDIFF", "missing", "i"}) == "~0\r\n");
    CHECK(h.run({"SSCAN", "i", "0"}) ==
          array({bulk("0"), array({bulk("1"), bulk("2"), bulk("3")})}));
    CHECK(h.run({"SPOP", "i", "0"}) == "~0\r\n");
    CHECK(decode(h.run({"SPOP", "i", "1"})).type == '~');
    CHECK(decode(h.run({"SPOP", "i", "5"})).type == '~');
}

TEST_CASE("sets: SPOP") {
    Harness h;
    CHECK(h.run({"SPOP", "missing"}) == nil());
    CHECK(h.run({"SPOP", "missing", "3"}) == array({}));
    CHECK(h.run({"SPOP", "missing", "-1"}) == err("ERR value is out of range, must be positive"));
    CHECK(h.run({"SADD", "s", "a", "b", "c"}) == integer(3));
    CHECK(h.run({"SPOP", "s", "-1"}) == err("ERR value is out of range, must be positive"));
    CHECK(h.run({"SPOP", "s", "9223372036854775808"}) ==
          err("ERR value is out of range, must be positive"));
    CHECK(h.run({"SPOP", "s", "1", "2"}) == syntax_error());
    CHECK(h.run({"SPOP", "s", "0"}) == array({}));
    std::set<std::string> popped;
    for (int i = 0; i < 3; ++i) {
        Reply r = decode(h.run({"SPOP", "s"}));
        REQUIRE(r.type == '$');
        CHECK(popped.insert(r.text).second);
    }
    CHECK(popped == std::set<std::string>{"a", "b", "c"});
    CHECK(h.run({"EXISTS", "s"}) == integer(0));
    CHECK(h.run({"SPOP", "s"}) == nil());

    // Popping the whole set answers it sorted (a rebuilt intset) and deletes the key.
    CHECK(h.run({"SADD", "i", "3", "1", "2"}) == integer(3));
    CHECK(h.run({"SPOP", "i", "10"}) == array({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"EXISTS", "i"}) == integer(0));
}

TEST_CASE("sets: SPOP with a count pops distinct members and rebuilds a mostly popped set") {
    Harness h;
    // Few popped: members leave one by one and the encoding stays.
    sadd_all(h, "big", numbers(1, 600));
    CHECK(encoding(h, "big") == "hashtable");
    Reply r = decode(h.run({"SPOP", "big", "50"}));
    CHECK(r.items.size() == 50);
    const auto popped = r.strings();
    std::set<std::string> seen(popped.begin(), popped.end());
    CHECK(seen.size() == 50);
    CHECK(h.run({"SCARD", "big"}) == integer(550));
    CHECK(encoding(h, "big") == "hashtable");
    for (const auto& m : seen) CHECK(h.run({"SISMEMBER", "big", m}) == integer(0));

    // Most popped: Redis rebuilds the survivors into a new set, an intset if they are all
    // integers (recorded: SPOP big 590 on 600 integers leaves an intset of 10).
    sadd_all(h, "big2", numbers(1, 600));
    r = decode(h.run({"SPOP", "big2", "590"}));
    CHECK(r.items.size() == 590);
    CHECK(h.run({"SCARD", "big2"}) == integer(10));
    CHECK(encoding(h, "big2") == "intset");
    const auto popped2 = r.strings();
    std::set<std::string> all(popped2.begin(), popped2.end());
    for (const auto& m : members(h, "big2")) CHECK(all.insert(m).second);
    CHECK(all.size() == 600);

    CHECK(h.run({"SADD", "mixed", "a", "b", "c", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                 "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"}) == integer(23));
    CHECK(h.run({"SPOP", "mixed", "20"}).substr(0, 4) == "*20\r");
    CHECK(h.run({"SCARD", "mixed"}) == integer(3));
    const auto left = members(h, "mixed");
    const bool all_ints = std::all_of(left.begin(), left.end(),
                                      [](const std::string& m) { return m[0] >= '0' && m[0] <= '9'; });
    CHECK(encoding(h, "mixed") == (all_ints ? "intset" : "hashtable"));
}

TEST_CASE("sets: SRANDMEMBER") {
    Harness h;
    CHECK(h.run({"SRANDMEMBER", "missing"}) == nil());
    CHECK(h.run({"SRANDMEMBER", "missing", "5"}) == array({}));
    CHECK(h.run({"SADD", "s", "a", "b", "c", "d", "e"}) == integer(5));
    CHECK(h.run({"SRANDMEMBER", "s", "abc"}) == not_integer());
    CHECK(h.run({"SRANDMEMBER", "s", "-9223372036854775808"}) ==
          err("ERR value is out of range, value must between -9223372036854775807 and "
              "9223372036854775807"));
    CHECK(h.run({"SRANDMEMBER", "s", "1", "2"}) == syntax_error());
    CHECK(h.run({"SRANDMEMBER", "s", "0"}) == array({}));
    const std::set<std::string> all{"a", "b", "c", "d", "e"};
    CHECK(all.count(decode(h.run({"SRANDMEMBER", "s"})).text) == 1);
    for (const char* n : {"1", "3", "4", "5", "10"}) {
        auto got = decode(h.run({"SRANDMEMBER", "s", n})).strings();
        CHECK(got.size() == std::min<std::size_t>(std::stoul(n), 5));
        std::set<std::string> distinct(got.begin(), got.end());
        CHECK(distinct.size() == got.size());
        for (const auto& m : got) CHECK(all.count(m) == 1);
    }
    auto repeated = decode(h.run({"SRANDMEMBER", "s", "-20"})).strings();
    CHECK(repeated.size() == 20);
    for (const auto& m : repeated) CHECK(all.count(m) == 1);
    CHECK(h.run({"SCARD", "s"}) == integer(5));
    CHECK(h.run({"SRANDMEMBER", "s", "-4611686018427387903"}) == err("ERR value is out of range"));
    // An intset sample is made of its integers.
    CHECK(h.run({"SADD", "i", "7"}) == integer(1));
    CHECK(h.run({"SRANDMEMBER", "i", "-3"}) == array({bulk("7"), bulk("7"), bulk("7")}));
    CHECK(h.run({"SRANDMEMBER", "i"}) == bulk("7"));
}

TEST_CASE("sets: SMOVE") {
    Harness h;
    CHECK(h.run({"SADD", "src", "a", "b"}) == integer(2));
    CHECK(h.run({"SMOVE", "src", "dst", "a"}) == integer(1));
    CHECK(members(h, "dst") == std::vector<std::string>{"a"});
    CHECK(h.run({"SMOVE", "src", "dst", "zz"}) == integer(0));
    CHECK(h.run({"SMOVE", "src", "src", "b"}) == integer(1));
    CHECK(h.run({"SMOVE", "src", "src", "zz"}) == integer(0));
    CHECK(h.run({"SMOVE", "src", "dst", "b"}) == integer(1));
    CHECK(h.run({"EXISTS", "src"}) == integer(0));
    CHECK(members(h, "dst") == std::vector<std::string>{"a", "b"});
    CHECK(h.run({"SMOVE", "dst", "other", "a"}) == integer(1));
    CHECK(h.run({"SMOVE", "other", "dst", "a"}) == integer(1));
    CHECK(h.run({"SCARD", "dst"}) == integer(2));
    // The created destination is encoded for its first member.
    CHECK(h.run({"SADD", "ht", "a", "1", "2"}) == integer(3));
    CHECK(h.run({"SMOVE", "ht", "newk", "1"}) == integer(1));
    CHECK(encoding(h, "newk") == "intset");
    CHECK(h.run({"SMOVE", "ht", "i", "a"}) == integer(1));
    CHECK(encoding(h, "i") == "hashtable");
}

TEST_CASE("sets: SINTER, SUNION, SDIFF (recorded orders for intsets)") {
    Harness h;
    CHECK(h.run({"SADD", "e1", "3", "1", "2"}) == integer(3));
    CHECK(h.run({"SADD", "e2", "2", "3", "4"}) == integer(3));
    CHECK(h.run({"SADD", "e3", "1", "2", "5"}) == integer(3));
    CHECK(h.run({"SINTER", "e1", "e2"}) == array({bulk("2"), bulk("3")}));
    CHECK(h.run({"SINTER", "e1", "e2", "e3"}) == array({bulk("2")}));
    CHECK(h.run({"SINTER", "e1", "missing"}) == array({}));
    CHECK(h.run({"SINTER", "e1", "e1"}) == array({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"SUNION", "e1", "e2", "e3"}) ==
          array({bulk("1"), bulk("2"), bulk("3"), bulk("4"), bulk("5")}));
    CHECK(h.run({"SUNION", "missing"}) == array({}));
    CHECK(h.run({"SUNION", "missing", "e1"}) == array({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"SDIFF", "e1", "e2"}) == array({bulk("1")}));
    CHECK(h.run({"SDIFF", "e1", "e2", "e3"}) == array({}));
    CHECK(h.run({"SDIFF", "e1"}) == array({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"SDIFF", "e1", "e1"}) == array({}));
    CHECK(h.run({"SDIFF", "e1", "missing"}) == array({bulk("1"), bulk("2"), bulk("3")}));
    CHECK(h.run({"SDIFF", "missing", "e1"}) == array({}));

    CHECK(h.run({"SADD", "w1", "a", "b", "c", "1"}) == integer(4));
    CHECK(h.run({"SADD", "w2", "b", "c", "d"}) == integer(3));
    CHECK(sorted(decode(h.run({"SINTER", "w1", "w2"})).strings()) == std::vector<std::string>{"b", "c"});
    CHECK(sorted(decode(h.run({"SUNION", "w1", "w2"})).strings()) ==
          std::vector<std::string>{"1", "a", "b", "c", "d"});
    CHECK(sorted(decode(h.run({"SDIFF", "w1", "w2"})).strings()) == std::vector<std::string>{"1", "a"});
    // Unions and differences are rebuilt into a set that starts as an intset: a hashtable
    // holding only integers answers sorted.
    CHECK(h.run({"SADD", "hti", "a", "30", "10", "20"}) == integer(4));
    CHECK(h.run({"SREM", "hti", "a"}) == integer(1));
    CHECK(h.run({"SUNION", "hti"}) == array({bulk("10"), bulk("20"), bulk("30")}));
    CHECK(h.run({"SDIFF", "hti", "missing"}) == array({bulk("10"), bulk("20"), bulk("30")}));
}

TEST_CASE("sets: SINTERSTORE, SUNIONSTORE, SDIFFSTORE") {
    Harness h;
    CHECK(h.run({"SADD", "e1", "3", "1", "2"}) == integer(3));
    CHECK(h.run({"SADD", "e2", "2", "3", "4"}) == integer(3));
    CHECK(h.run({"SINTERSTORE", "d", "e1", "e2"}) == integer(2));
    CHECK(h.run({"SMEMBERS", "d"}) == array({bulk("2"), bulk("3")}));
    CHECK(h.run({"SUNIONSTORE", "d", "e1", "e2"}) == integer(4));
    CHECK(h.run({"SMEMBERS", "d"}) == array({bulk("1"), bulk("2"), bulk("3"), bulk("4")}));
    CHECK(h.run({"SDIFFSTORE", "d", "e1", "e2"}) == integer(1));
    CHECK(h.run({"SMEMBERS", "d"}) == array({bulk("1")}));

    // An empty result deletes the destination, whatever it held.
    CHECK(h.run({"SET", "str", "x"}) == ok());
    CHECK(h.run({"SINTERSTORE", "str", "missing"}) == integer(0));
    CHECK(h.run({"EXISTS", "str"}) == integer(0));
    CHECK(h.run({"SDIFFSTORE", "d", "e1", "e1"}) == integer(0));
    CHECK(h.run({"EXISTS", "d"}) == integer(0));
    CHECK(h.run({"SUNIONSTORE", "d", "missing"}) == integer(0));

    // A non-empty result replaces any value and drops its TTL.
    CHECK(h.run({"SET", "str", "x", "EX", "100"}) == ok());
    CHECK(h.run({"SUNIONSTORE", "str", "e1"}) == integer(3));
    CHECK(h.run({"TYPE", "str"}) == simple("set"));
    CHECK(h.run({"TTL", "str"}) == integer(-1));

    // The destination may be a source.
    CHECK(h.run({"SUNIONSTORE", "e1", "e1", "e2"}) == integer(4));
    CHECK(h.run({"SMEMBERS", "e1"}) == array({bulk("1"), bulk("2"), bulk("3"), bulk("4")}));

    // Results start as intsets (recorded: a hashtable of integers stores as an intset).
    CHECK(h.run({"SADD", "ht", "a", "1", "2"}) == integer(3));
    CHECK(h.run({"SREM", "ht", "a"}) == integer(1));
    CHECK(encoding(h, "ht") == "hashtable");
    CHECK(h.run({"SUNIONSTORE", "u", "ht"}) == integer(2));
    CHECK(encoding(h, "u") == "intset");
    CHECK(h.run({"SINTERSTORE", "i", "ht", "ht"}) == integer(2));
    CHECK(encoding(h, "i") == "intset");
    CHECK(h.run({"SDIFFSTORE", "df", "ht", "missing"}) == integer(2));
    CHECK(encoding(h, "df") == "intset");
    CHECK(h.run({"SADD", "w", "x", "y"}) == integer(2));
    CHECK(h.run({"SUNIONSTORE", "wu", "w", "ht"}) == integer(4));
    CHECK(encoding(h, "wu") == "hashtable");
    sadd_all(h, "big", numbers(1, 600));
    CHECK(h.run({"SUNIONSTORE", "bigcopy", "big"}) == integer(600));
    CHECK(encoding(h, "bigcopy") == "hashtable");
}

TEST_CASE("sets: SINTERCARD") {
    Harness h;
    CHECK(h.run({"SADD", "e1", "3", "1", "2"}) == integer(3));
    CHECK(h.run({"SADD", "e2", "2", "3", "4"}) == integer(3));
    CHECK(h.run({"SINTERCARD", "2", "e1", "e2"}) == integer(2));
    CHECK(h.run({"SINTERCARD", "2", "e1", "e2", "LIMIT", "1"}) == integer(1));
    CHECK(h.run({"SINTERCARD", "2", "e1", "e2", "limit", "0"}) == integer(2));
    CHECK(h.run({"SINTERCARD", "2", "e1", "e2", "LIMIT", "10"}) == integer(2));
    CHECK(h.run({"SINTERCARD", "1", "e1", "LIMIT", "1", "LIMIT", "2"}) == integer(2));
    CHECK(h.run({"SINTERCARD", "2", "e1", "missing"}) == integer(0));
    CHECK(h.run({"SINTERCARD", "1", "e1"}) == integer(3));
    const auto numkeys_error = err("ERR numkeys should be greater than 0");
    CHECK(h.run({"SINTERCARD", "0", "e1"}) == numkeys_error);
    CHECK(h.run({"SINTERCARD", "abc", "e1"}) == numkeys_error);
    CHECK(h.run({"SINTERCARD", "-1", "e1"}) == numkeys_error);
    CHECK(h.run({"SINTERCARD", "9223372036854775808", "e1"}) == numkeys_error);
    CHECK(h.run({"SINTERCARD", "3", "e1"}) ==
          err("ERR Number of keys can't be greater than number of args"));
    CHECK(h.run({"SINTERCARD", "1", "e1", "LIMIT"}) == syntax_error());
    CHECK(h.run({"SINTERCARD", "1", "e1", "foo"}) == syntax_error());
    CHECK(h.run({"SINTERCARD", "1", "e1", "LIMIT", "-1"}) == err("ERR LIMIT can't be negative"));
    CHECK(h.run({"SINTERCARD", "1", "e1", "LIMIT", "abc"}) == err("ERR LIMIT can't be negative"));
    CHECK(h.run({"SET", "str", "x"}) == ok());
    CHECK(h.run({"SINTERCARD", "1", "str"}) == wrongtype());
}

TEST_CASE("sets: SSCAN") {
    Harness h;
    CHECK(h.run({"SSCAN", "missing", "0"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"SSCAN", "missing", "0", "COUNT", "0"}) == array({bulk("0"), array({})}));
    CHECK(h.run({"SADD", "i", "10", "2", "33"}) == integer(3));
    CHECK(h.run({"SSCAN", "i", "0"}) == array({bulk("0"), array({bulk("2"), bulk("10"), bulk("33")})}));
    CHECK(h.run({"SSCAN", "i", "0", "MATCH", "*3"}) == array({bulk("0"), array({bulk("33")})}));
    CHECK(h.run({"SSCAN", "i", "0", "COUNT", "1"}) ==
          array({bulk("0"), array({bulk("2"), bulk("10"), bulk("33")})}));
    CHECK(h.run({"SSCAN", "i", "abc"}) == err("ERR invalid cursor"));
    CHECK(h.run({"SSCAN", "i", "18446744073709551616"}) == err("ERR invalid cursor"));
    CHECK(h.run({"SSCAN", "i", "0", "COUNT", "0"}) == syntax_error());
    CHECK(h.run({"SSCAN", "i", "0", "COUNT", "-1"}) == syntax_error());
    CHECK(h.run({"SSCAN", "i", "0", "COUNT", "abc"}) == not_integer());
    CHECK(h.run({"SSCAN", "i", "0", "MATCH"}) == syntax_error());
    CHECK(h.run({"SSCAN", "i", "0", "foo", "bar"}) == syntax_error());
    CHECK(h.run({"SSCAN", "i", "0", "TYPE", "string"}) == syntax_error());

    // A full iteration of a hashtable returns every member, while the set grows under it.
    std::vector<std::string> ms;
    for (int i = 0; i < 300; ++i) ms.push_back("m" + std::to_string(i));
    sadd_all(h, "big", ms);
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        Reply r = decode(h.run_strings({"SSCAN", "big", cursor, "COUNT", "20"}));
        cursor = r.items[0].text;
        for (const auto& m : r.items[1].strings()) seen.insert(m);
        if (++calls == 3) sadd_all(h, "big", {"late1", "late2"});
    } while (cursor != "0" && calls < 1000);
    CHECK(calls > 1);
    for (const auto& m : ms) CHECK(seen.count(m) == 1);
    Reply matched = decode(h.run({"SSCAN", "big", "0", "MATCH", "m1*", "COUNT", "1000"}));
    CHECK(matched.items[0].text == "0");
    CHECK(matched.items[1].items.size() == 111);   // m1, m10-m19, m100-m199
}

TEST_CASE("sets: COPY and RENAME keep the set and its encoding") {
    Harness h;
    CHECK(h.run({"SADD", "s", "1", "2"}) == integer(2));
    CHECK(h.run({"COPY", "s", "c"}) == integer(1));
    CHECK(h.run({"SADD", "c", "x"}) == integer(1));
    CHECK(encoding(h, "s") == "intset");
    CHECK(encoding(h, "c") == "hashtable");
    CHECK(h.run({"COPY", "c", "c2"}) == integer(1));
    CHECK(members(h, "c2") == std::vector<std::string>{"1", "2", "x"});
    CHECK(h.run({"SREM", "c", "x"}) == integer(1));
    CHECK(members(h, "c2") == std::vector<std::string>{"1", "2", "x"});
}

TEST_CASE("sets: COMMAND INFO matches Redis") {
    Harness h;
    CHECK(h.run({"COMMAND", "INFO", "sadd"}).find("sadd\r\n:-3\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n") !=
          std::string::npos);
    CHECK(h.run({"COMMAND", "INFO", "sinter"}).find("sinter\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:-1\r\n:1\r\n") !=
          std::string::npos);
    CHECK(h.run({"COMMAND", "INFO", "smove"}).find(":4\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:2\r\n:1\r\n") !=
          std::string::npos);
    CHECK(h.run({"COMMAND", "INFO", "sintercard"}).find(":-3\r\n") != std::string::npos);
    CHECK(decode(h.run({"COMMAND", "DOCS", "sintercard"})).items.size() == 2);
}

// Random SADD/SREM/SPOP/SMOVE against a std::set model: every member the model has must be
// in the set, and the encoding must be the one Redis would have picked.
TEST_CASE("sets: random commands keep the set equal to a model") {
    Harness h;
    std::mt19937 gen(12345);
    std::set<std::string> model;
    bool converted = false;   // hashtable once any string or the 513th integer arrived
    auto random_member = [&] {
        const int n = std::uniform_int_distribution<int>(0, 700)(gen);
        return gen() % 50 == 0 ? "s" + std::to_string(n) : std::to_string(n);
    };
    for (int step = 0; step < 3000; ++step) {
        const int op = std::uniform_int_distribution<int>(0, 9)(gen);
        const std::string m = random_member();
        if (op < 6) {
            const bool added = model.insert(m).second;
            CHECK(h.run_strings({"SADD", "k", m}) == integer(added));
            if (m[0] == 's' || model.size() > 512) converted = true;
        } else if (op < 9) {
            const bool removed = model.erase(m) == 1;
            CHECK(h.run_strings({"SREM", "k", m}) == integer(removed));
        } else if (!model.empty()) {
            Reply r = decode(h.run({"SPOP", "k"}));
            REQUIRE(r.type == '$');
            CHECK(model.erase(r.text) == 1);
        }
        if (model.empty()) {
            converted = false;   // the key is gone: the next SADD starts over
            CHECK(h.run({"EXISTS", "k"}) == integer(0));
            continue;
        }
        if (step % 100 == 0) {
            CHECK(h.run({"SCARD", "k"}) == integer(static_cast<long long>(model.size())));
            CHECK(members(h, "k") == sorted(std::vector<std::string>(model.begin(), model.end())));
            CHECK(encoding(h, "k") == (converted ? "hashtable" : "intset"));
        }
    }
}

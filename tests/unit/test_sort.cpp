// SORT and SORT_RO (Redis 7.0's sort.c). Expected replies were recorded from Redis 7.0.15.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace corokv::test;
using namespace std::literals;

namespace {

// The list 3 1 2 10, the same numbers as a set, and weights/hash fields to sort by.
void fill(Harness& h) {
    h.run({"RPUSH", "l", "3", "1", "2", "10"});
    h.run({"SADD", "s", "3", "1", "2", "10"});
    h.run({"SADD", "sa", "b", "a", "c"});
    h.run({"MSET", "w_1", "30", "w_2", "20", "w_3", "10", "w_a", "1", "w_b", "3", "w_c", "2"});
    h.run({"HSET", "h_1", "f", "x1"});
    h.run({"HSET", "h_2", "f", "x2"});
}

}  // namespace

TEST_CASE("sort: numeric and ALPHA sorting of lists and sets") {
    Harness h;
    fill(h);
    CHECK(h.run({"SORT", "l"}) == bulks({"1", "2", "3", "10"}));
    CHECK(h.run({"SORT", "l", "DESC"}) == bulks({"10", "3", "2", "1"}));
    CHECK(h.run({"SORT", "l", "ALPHA"}) == bulks({"1", "10", "2", "3"}));
    CHECK(h.run({"SORT", "l", "asc", "desc", "asc"}) == bulks({"1", "2", "3", "10"}));
    CHECK(h.run({"SORT", "s"}) == bulks({"1", "2", "3", "10"}));
    CHECK(h.run({"SORT", "sa", "ALPHA"}) == bulks({"a", "b", "c"}));
    CHECK(h.run({"SORT", "sa", "ALPHA", "DESC"}) == bulks({"c", "b", "a"}));
    CHECK(h.run({"SORT", "sa"}) == err("ERR One or more scores can't be converted into double"));
    CHECK(h.run({"SORT", "missing"}) == array({}));
    CHECK(h.run({"RPUSH", "dup", "b", "a", "b", "a"}) == integer(4));
    CHECK(h.run({"SORT", "dup", "ALPHA"}) == bulks({"a", "a", "b", "b"}));
    CHECK(h.run({"SORT", "dup", "ALPHA", "DESC"}) == bulks({"b", "b", "a", "a"}));
}

TEST_CASE("sort: scores are parsed as strtod does") {
    Harness h;
    CHECK(h.run({"RPUSH", "n", " 5", "0x10", "inf", "-inf", "", "3.5", "-2"}) == integer(7));
    CHECK(h.run({"SORT", "n"}) == bulks({"-inf", "-2", "", "3.5", " 5", "0x10", "inf"}));
    const auto not_double = err("ERR One or more scores can't be converted into double");
    for (auto bad : {"1e400", "1 ", "nan", "abc"}) {
        h.run({"DEL", "b"});
        h.run({"RPUSH", "b", "1", bad});
        CAPTURE(bad);
        CHECK(h.run({"SORT", "b"}) == not_double);
    }
    // Equal scores fall back to comparing the elements' bytes.
    CHECK(h.run({"RPUSH", "ties", "b", "a"}) == integer(2));
    CHECK(h.run({"SORT", "ties", "BY", "nokey_*"}) == bulks({"a", "b"}));
}

TEST_CASE("sort: LIMIT") {
    Harness h;
    fill(h);
    CHECK(h.run({"SORT", "l", "LIMIT", "1", "2"}) == bulks({"2", "3"}));
    CHECK(h.run({"SORT", "l", "LIMIT", "-5", "2"}) == bulks({"1", "2"}));
    CHECK(h.run({"SORT", "l", "LIMIT", "2", "-1"}) == bulks({"3", "10"}));
    CHECK(h.run({"SORT", "l", "LIMIT", "0", "-5"}) == bulks({"1", "2", "3", "10"}));
    CHECK(h.run({"SORT", "l", "LIMIT", "10", "2"}) == array({}));
    CHECK(h.run({"SORT", "l", "LIMIT", "0", "0"}) == array({}));
    CHECK(h.run({"SORT", "l", "LIMIT", "0", "1", "LIMIT", "1", "1"}) == bulks({"2"}));
    CHECK(h.run({"SORT", "l", "LIMIT", "a", "2"}) == not_integer());
    CHECK(h.run({"SORT", "l", "LIMIT", "1"}) == syntax_error());
    CHECK(h.run({"SORT", "missing", "LIMIT", "1", "2"}) == array({}));
}

TEST_CASE("sort: BY nosort keeps the stored order") {
    Harness h;
    fill(h);
    CHECK(h.run({"SORT", "l", "BY", "nosort"}) == bulks({"3", "1", "2", "10"}));
    CHECK(h.run({"SORT", "l", "BY", "nosort", "DESC"}) == bulks({"10", "2", "1", "3"}));
    CHECK(h.run({"SORT", "l", "BY", "nosort", "LIMIT", "1", "2"}) == bulks({"1", "2"}));
    CHECK(h.run({"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}) == bulks({"2", "1"}));
    CHECK(h.run({"SORT", "l", "BY", "nosort", "LIMIT", "5", "5"}) == array({}));
    // Once a BY without '*' was seen, a later BY pattern does not turn sorting back on.
    CHECK(h.run({"SORT", "l", "BY", "nosort", "BY", "w_*"}) == bulks({"3", "1", "2", "10"}));
    // A set's own order (an intset: ascending), DESC ignored as there is nothing to sort.
    CHECK(h.run({"SORT", "s", "BY", "nosort"}) == bulks({"1", "2", "3", "10"}));
    CHECK(h.run({"SORT", "s", "BY", "nosort", "DESC"}) == bulks({"1", "2", "3", "10"}));
}

TEST_CASE("sort: BY and GET patterns") {
    Harness h;
    fill(h);
    CHECK(h.run({"SORT", "l", "BY", "w_*"}) == bulks({"10", "3", "2", "1"}));
    CHECK(h.run({"SORT", "l", "BY", "w_*", "GET", "#"}) == bulks({"10", "3", "2", "1"}));
    CHECK(h.run({"SORT", "sa", "BY", "w_*"}) == bulks({"a", "c", "b"}));
    CHECK(h.run({"SORT", "l", "GET", "#", "GET", "w_*", "GET", "h_*->f", "GET", "nopattern"}) ==
          array({bulk("1"), bulk("30"), bulk("x1"), nil(), bulk("2"), bulk("20"), bulk("x2"), nil(),
                 bulk("3"), bulk("10"), nil(), nil(), bulk("10"), nil(), nil(), nil()}));
    CHECK(h.run({"SORT", "l", "LIMIT", "0", "2", "GET", "#", "GET", "w_*"}) ==
          bulks({"1", "30", "2", "20"}));
    // Hash fields sort ALPHA; keys without the field sort first, in their stored order.
    CHECK(h.run({"SORT", "l", "BY", "h_*->f", "ALPHA"}) == bulks({"3", "10", "1", "2"}));
    // "->" on a string key finds nothing: every score is 0 and the elements decide.
    CHECK(h.run({"SORT", "l", "BY", "w_*->f"}) == bulks({"1", "10", "2", "3"}));
    CHECK(h.run({"SORT", "l", "GET", "#x"}) == array({nil(), nil(), nil(), nil()}));
    CHECK(h.run({"SORT", "l", "GET", "h_*->"}) == array({nil(), nil(), nil(), nil()}));
    CHECK(h.run({"SORT", "missing", "GET", "a"}) == array({}));
    // GET of a key of another type answers nil.
    CHECK(h.run({"RPUSH", "lst_1", "x"}) == integer(1));
    CHECK(h.run({"SORT", "l", "GET", "lst_*", "LIMIT", "0", "1"}) == array({nil()}));
}

TEST_CASE("sort: ALPHA BY with missing keys and DESC keeps ties in order") {
    Harness h;
    CHECK(h.run({"RPUSH", "l", "1", "2", "3"}) == integer(3));
    CHECK(h.run({"SET", "k_2", "v2"}) == ok());
    CHECK(h.run({"SORT", "l", "BY", "k_*", "ALPHA"}) == bulks({"1", "3", "2"}));
    CHECK(h.run({"SORT", "l", "BY", "k_*", "ALPHA", "DESC"}) == bulks({"2", "1", "3"}));
    CHECK(h.run({"SORT", "l", "GET", "k_*"}) == array({nil(), bulk("v2"), nil()}));
    CHECK(h.run({"SORT", "l", "BY", "k_*", "GET", "#", "GET", "k_*", "LIMIT", "0", "10", "DESC", "ALPHA"}) ==
          array({bulk("2"), bulk("v2"), bulk("1"), nil(), bulk("3"), nil()}));
}

TEST_CASE("sort: STORE writes a list") {
    Harness h;
    fill(h);
    CHECK(h.run({"SORT", "l", "STORE", "d"}) == integer(4));
    CHECK(h.run({"LRANGE", "d", "0", "-1"}) == bulks({"1", "2", "3", "10"}));
    CHECK(h.run({"TYPE", "d"}) == simple("list"));
    CHECK(h.run({"OBJECT", "ENCODING", "d"}) == bulk("quicklist"));
    CHECK(h.run({"SORT", "l", "BY", "nosort", "STORE", "d"}) == integer(4));
    CHECK(h.run({"LRANGE", "d", "0", "-1"}) == bulks({"3", "1", "2", "10"}));
    // A set stored BY nosort is sorted ALPHA so every replica stores the same list.
    CHECK(h.run({"SORT", "s", "BY", "nosort", "STORE", "d2"}) == integer(4));
    CHECK(h.run({"LRANGE", "d2", "0", "-1"}) == bulks({"1", "10", "2", "3"}));
    // GET misses are stored as empty strings.
    CHECK(h.run({"SORT", "s", "GET", "w_*", "STORE", "d3"}) == integer(4));
    CHECK(h.run({"LRANGE", "d3", "0", "-1"}) == bulks({"30", "20", "10", ""}));
    CHECK(h.run({"SORT", "l", "LIMIT", "1", "1", "BY", "nosort", "STORE", "d4"}) == integer(1));
    CHECK(h.run({"LRANGE", "d4", "0", "-1"}) == bulks({"1"}));
    // An empty result deletes the destination; a non-empty one replaces it and its TTL.
    CHECK(h.run({"SORT", "missing", "STORE", "d"}) == integer(0));
    CHECK(h.run({"EXISTS", "d"}) == integer(0));
    CHECK(h.run({"SET", "str", "x", "EX", "100"}) == ok());
    CHECK(h.run({"SORT", "l", "STORE", "str"}) == integer(4));
    CHECK(h.run({"TTL", "str"}) == integer(-1));
    CHECK(h.run({"SORT", "l", "DESC", "STORE", "l"}) == integer(4));
    CHECK(h.run({"LRANGE", "l", "0", "-1"}) == bulks({"10", "3", "2", "1"}));
    CHECK(h.run({"SORT", "l", "STORE"}) == syntax_error());
    CHECK(h.run({"SORT", "sa", "STORE", "d5"}) == err("ERR One or more scores can't be converted into double"));
    CHECK(h.run({"EXISTS", "d5"}) == integer(0));
}

TEST_CASE("sort: SORT_RO, errors and WRONGTYPE") {
    Harness h;
    fill(h);
    CHECK(h.run({"SORT_RO", "l", "DESC"}) == bulks({"10", "3", "2", "1"}));
    CHECK(h.run({"SORT_RO", "l", "STORE", "d"}) == syntax_error());
    CHECK(h.run({"SORT_RO", "l", "STORE"}) == syntax_error());
    CHECK(h.run({"SORT", "foo", "bar"}) == syntax_error());
    CHECK(h.run({"SORT"}) == arity_error("sort"));
    CHECK(h.run({"SORT_RO"}) == arity_error("sort_ro"));
    CHECK(h.run({"SET", "str", "x"}) == ok());
    CHECK(h.run({"HSET", "hash", "a", "1"}) == integer(1));
    CHECK(h.run({"SORT", "str"}) == wrongtype());
    CHECK(h.run({"SORT", "str", "BY", "nosort"}) == wrongtype());
    CHECK(h.run({"SORT", "hash"}) == wrongtype());
    CHECK(h.run({"SORT_RO", "str"}) == wrongtype());
    // Option errors come before the type check.
    CHECK(h.run({"SORT", "str", "foo"}) == syntax_error());
}

TEST_CASE("sort: COMMAND INFO shows Redis's flags, not corokv's all-shards marker") {
    Harness h;
    Reply sort = decode(h.run({"COMMAND", "INFO", "sort"})).items.at(0);
    CHECK(sort.items.at(0).text == "sort");
    CHECK(sort.items.at(1).integer() == -2);
    // Redis: write denyoom movablekeys (corokv does not list movablekeys yet).
    for (const auto& flag : sort.items.at(2).strings())
        CHECK((flag == "write" || flag == "denyoom" || flag == "movablekeys"));
    CHECK(sort.items.at(2).items.size() >= 2);
    CHECK(sort.items.at(3).integer() == 1);
    Reply ro = decode(h.run({"COMMAND", "INFO", "sort_ro"})).items.at(0);
    for (const auto& flag : ro.items.at(2).strings())
        CHECK((flag == "readonly" || flag == "movablekeys"));
}

// Random lists sorted numerically, ALPHA and BY weights, checked against std::sort.
TEST_CASE("sort: random lists agree with a reference sort") {
    Harness h;
    std::mt19937 gen(777);
    for (int round = 0; round < 20; ++round) {
        h.run({"DEL", "r"});
        std::vector<long long> values;
        const int n = std::uniform_int_distribution<int>(1, 60)(gen);
        std::vector<std::string> push{"RPUSH", "r"};
        for (int i = 0; i < n; ++i) {
            values.push_back(std::uniform_int_distribution<long long>(-1000, 1000)(gen));
            push.push_back(std::to_string(values.back()));
            h.run_strings({"SET", "wt_" + push.back(), std::to_string(-values.back())});
        }
        h.run_strings(push);
        std::vector<long long> expect = values;
        std::sort(expect.begin(), expect.end());
        auto got = decode(h.run({"SORT", "r"})).strings();
        REQUIRE(got.size() == expect.size());
        for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::stoll(got[i]) == expect[i]);
        // Weights are the negated values: BY sorts descending by value.
        auto by = decode(h.run({"SORT", "r", "BY", "wt_*"})).strings();
        for (std::size_t i = 0; i < by.size(); ++i) CHECK(std::stoll(by[i]) == expect[expect.size() - 1 - i]);
        auto alpha = decode(h.run({"SORT", "r", "ALPHA"})).strings();
        CHECK(std::is_sorted(alpha.begin(), alpha.end()));
        const int start = std::uniform_int_distribution<int>(0, n)(gen);
        const int count = std::uniform_int_distribution<int>(-1, n)(gen);
        auto limited = decode(h.run_strings({"SORT", "r", "LIMIT", std::to_string(start),
                                             std::to_string(count)})).strings();
        const std::size_t avail = static_cast<std::size_t>(n - std::min(start, n));
        const std::size_t want = count < 0 ? avail : std::min<std::size_t>(count, avail);
        REQUIRE(limited.size() == want);
        for (std::size_t i = 0; i < want; ++i) CHECK(std::stoll(limited[i]) == expect[start + i]);
    }
}

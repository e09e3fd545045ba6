#include <doctest/doctest.h>

#include <string>

#include "store/glob.hpp"

using corokv::glob_match;

TEST_CASE("glob: literals, ? and *") {
    CHECK(glob_match("hello", "hello"));
    CHECK_FALSE(glob_match("hello", "hellO"));
    CHECK(glob_match("h?llo", "hallo"));
    CHECK_FALSE(glob_match("h?llo", "hllo"));
    CHECK(glob_match("h*llo", "hllo"));
    CHECK(glob_match("h*llo", "heeeello"));
    CHECK(glob_match("*", "anything"));
    CHECK(glob_match("user:*:name", "user:42:name"));
    CHECK_FALSE(glob_match("user:*:name", "user:42:age"));
    CHECK(glob_match("**a**", "xxa"));
}

TEST_CASE("glob: classes, ranges, negation and escapes") {
    CHECK(glob_match("h[ae]llo", "hallo"));
    CHECK(glob_match("h[ae]llo", "hello"));
    CHECK_FALSE(glob_match("h[ae]llo", "hillo"));
    CHECK(glob_match("h[^e]llo", "hallo"));
    CHECK_FALSE(glob_match("h[^e]llo", "hello"));
    CHECK(glob_match("h[a-b]llo", "hbllo"));
    CHECK(glob_match("h[b-a]llo", "hallo"));  // reversed ranges work, as in Redis
    CHECK_FALSE(glob_match("h[a-b]llo", "hcllo"));
    CHECK(glob_match("a\\*b", "a*b"));
    CHECK_FALSE(glob_match("a\\*b", "axb"));
    CHECK(glob_match("[\\]]", "]"));
    CHECK_FALSE(glob_match("a[", "a["));  // an unterminated class matches nothing (as Redis)
    CHECK(glob_match("a[[]", "a["));
}

TEST_CASE("glob: nocase and Redis's empty-string quirk") {
    CHECK(glob_match("HeLLo", "hello", true));
    CHECK(glob_match("max*", "maxmemory"));
    CHECK_FALSE(glob_match("*", ""));  // KEYS/SCAN special-case a lone '*' before matching
    CHECK(glob_match("", ""));
}

TEST_CASE("glob: pathological patterns finish quickly") {
    std::string text(200, 'a');
    CHECK_FALSE(glob_match("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
}

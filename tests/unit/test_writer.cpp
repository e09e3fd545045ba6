#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "resp/writer.hpp"

using corokv::resp::ReplyWriter;

namespace {
template <class F>
std::string written(int proto, F&& f) {
    std::string out;
    ReplyWriter w(out, proto);
    f(w);
    return out;
}
}  // namespace

TEST_CASE("writer: types shared by RESP2 and RESP3") {
    for (int proto : {2, 3}) {
        CHECK(written(proto, [](auto& w) { w.simple("OK"); }) == "+OK\r\n");
        CHECK(written(proto, [](auto& w) { w.ok(); }) == "+OK\r\n");
        CHECK(written(proto, [](auto& w) { w.error("ERR bad"); }) == "-ERR bad\r\n");
        CHECK(written(proto, [](auto& w) { w.integer(-42); }) == ":-42\r\n");
        CHECK(written(proto, [](auto& w) { w.integer(INT64_MIN); }) == ":-9223372036854775808\r\n");
        CHECK(written(proto, [](auto& w) { w.bulk("foo"); }) == "$3\r\nfoo\r\n");
        CHECK(written(proto, [](auto& w) { w.bulk(""); }) == "$0\r\n\r\n");
        CHECK(written(proto, [](auto& w) { w.bulk_int(123); }) == "$3\r\n123\r\n");
        CHECK(written(proto, [](auto& w) { w.array(2); }) == "*2\r\n");
        CHECK(written(proto, [](auto& w) { w.empty_array(); }) == "*0\r\n");
    }
}

TEST_CASE("writer: RESP2 degrades RESP3 types as Redis does") {
    CHECK(written(2, [](auto& w) { w.null(); }) == "$-1\r\n");
    CHECK(written(2, [](auto& w) { w.null_array(); }) == "*-1\r\n");
    CHECK(written(2, [](auto& w) { w.map(2); }) == "*4\r\n");
    CHECK(written(2, [](auto& w) { w.set(3); }) == "*3\r\n");
    CHECK(written(2, [](auto& w) { w.push(3); }) == "*3\r\n");
    CHECK(written(2, [](auto& w) { w.boolean(true); }) == ":1\r\n");
    CHECK(written(2, [](auto& w) { w.boolean(false); }) == ":0\r\n");
    CHECK(written(2, [](auto& w) { w.double_value(1.5); }) == "$3\r\n1.5\r\n");
    CHECK(written(2, [](auto& w) { w.big_number("123456789012345678901234567890"); }) ==
          "$30\r\n123456789012345678901234567890\r\n");
    CHECK(written(2, [](auto& w) { w.verbatim("hi"); }) == "$2\r\nhi\r\n");
}

TEST_CASE("writer: RESP3 types") {
    CHECK(written(3, [](auto& w) { w.null(); }) == "_\r\n");
    CHECK(written(3, [](auto& w) { w.null_array(); }) == "_\r\n");
    CHECK(written(3, [](auto& w) { w.map(2); }) == "%2\r\n");
    CHECK(written(3, [](auto& w) { w.set(3); }) == "~3\r\n");
    CHECK(written(3, [](auto& w) { w.push(3); }) == ">3\r\n");
    CHECK(written(3, [](auto& w) { w.boolean(true); }) == "#t\r\n");
    CHECK(written(3, [](auto& w) { w.boolean(false); }) == "#f\r\n");
    CHECK(written(3, [](auto& w) { w.double_value(1.5); }) == ",1.5\r\n");
    CHECK(written(3, [](auto& w) { w.big_number("12345"); }) == "(12345\r\n");
    CHECK(written(3, [](auto& w) { w.verbatim("hi"); }) == "=6\r\ntxt:hi\r\n");
}

TEST_CASE("writer: doubles are formatted like Redis 7.0 (%.17g, inf, nan)") {
    CHECK(ReplyWriter::format_double(1.1) == "1.1000000000000001");
    CHECK(ReplyWriter::format_double(3) == "3");
    CHECK(ReplyWriter::format_double(-0.5) == "-0.5");
    CHECK(ReplyWriter::format_double(std::numeric_limits<double>::infinity()) == "inf");
    CHECK(ReplyWriter::format_double(-std::numeric_limits<double>::infinity()) == "-inf");
    CHECK(ReplyWriter::format_double(std::numeric_limits<double>::quiet_NaN()) == "nan");
    CHECK(written(3, [](auto& w) { w.double_value(-std::numeric_limits<double>::infinity()); }) ==
          ",-inf\r\n");
}

TEST_CASE("writer: protocol can change mid-stream (HELLO 3)") {
    std::string out;
    ReplyWriter w(out, 2);
    w.null();
    w.set_protocol(3);
    w.null();
    CHECK(out == "$-1\r\n_\r\n");
    CHECK(w.protocol() == 3);
}

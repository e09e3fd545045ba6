// Reply writer: every method in RESP2 and RESP3. Expected bytes match what Redis 7.0.15
// sends for the same reply type.
#include <doctest/doctest.h>

#include <cfloat>
#include <cstdint>
#include <limits>
#include <string>

#include "resp/writer.hpp"

using corokv::resp::ReplyWriter;
using namespace std::string_literals;

namespace {

template <class F>
std::string written(int proto, F&& f) {
    std::string out;
    ReplyWriter w(out, proto);
    f(w);
    return out;
}

constexpr double inf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("writer: types that are the same in RESP2 and RESP3") {
    for (int proto : {2, 3}) {
        CAPTURE(proto);
        CHECK(written(proto, [](auto& w) { w.simple("OK"); }) == "+OK\r\n");
        CHECK(written(proto, [](auto& w) { w.simple(""); }) == "+\r\n");
        CHECK(written(proto, [](auto& w) { w.ok(); }) == "+OK\r\n");
        CHECK(written(proto, [](auto& w) { w.error("ERR bad"); }) == "-ERR bad\r\n");
        CHECK(written(proto, [](auto& w) { w.integer(0); }) == ":0\r\n");
        CHECK(written(proto, [](auto& w) { w.integer(-42); }) == ":-42\r\n");
        CHECK(written(proto, [](auto& w) { w.integer(INT64_MAX); }) == ":9223372036854775807\r\n");
        CHECK(written(proto, [](auto& w) { w.integer(INT64_MIN); }) == ":-9223372036854775808\r\n");
        CHECK(written(proto, [](auto& w) { w.bulk("foo"); }) == "$3\r\nfoo\r\n");
        CHECK(written(proto, [](auto& w) { w.bulk(""); }) == "$0\r\n\r\n");
        CHECK(written(proto, [](auto& w) { w.bulk("a\r\n\0b"s); }) == "$5\r\na\r\n\0b\r\n"s);
        CHECK(written(proto, [](auto& w) { w.bulk_int(123); }) == "$3\r\n123\r\n");
        CHECK(written(proto, [](auto& w) { w.bulk_int(INT64_MIN); }) == "$20\r\n-9223372036854775808\r\n");
        CHECK(written(proto, [](auto& w) { w.array(2); }) == "*2\r\n");
        CHECK(written(proto, [](auto& w) { w.empty_array(); }) == "*0\r\n");
    }
}

TEST_CASE("writer: RESP2 sends RESP3 types the way Redis does to a RESP2 client") {
    CHECK(written(2, [](auto& w) { w.null(); }) == "$-1\r\n");
    CHECK(written(2, [](auto& w) { w.null_array(); }) == "*-1\r\n");
    CHECK(written(2, [](auto& w) { w.map(2); }) == "*4\r\n");
    CHECK(written(2, [](auto& w) { w.map(0); }) == "*0\r\n");
    CHECK(written(2, [](auto& w) { w.set(3); }) == "*3\r\n");
    CHECK(written(2, [](auto& w) { w.push(3); }) == "*3\r\n");
    CHECK(written(2, [](auto& w) { w.boolean(true); }) == ":1\r\n");
    CHECK(written(2, [](auto& w) { w.boolean(false); }) == ":0\r\n");
    CHECK(written(2, [](auto& w) { w.double_value(1.5); }) == "$3\r\n1.5\r\n");
    CHECK(written(2, [](auto& w) { w.double_value(1.1); }) == "$18\r\n1.1000000000000001\r\n");
    CHECK(written(2, [](auto& w) { w.double_value(inf); }) == "$3\r\ninf\r\n");
    CHECK(written(2, [](auto& w) { w.double_value(-inf); }) == "$4\r\n-inf\r\n");
    CHECK(written(2, [](auto& w) { w.big_number("123456789012345678901234567890"); }) ==
          "$30\r\n123456789012345678901234567890\r\n");
    CHECK(written(2, [](auto& w) { w.verbatim("hi"); }) == "$2\r\nhi\r\n");
    CHECK(written(2, [](auto& w) { w.verbatim("# x", "mkd"); }) == "$3\r\n# x\r\n");
}

TEST_CASE("writer: RESP3 types") {
    CHECK(written(3, [](auto& w) { w.null(); }) == "_\r\n");
    CHECK(written(3, [](auto& w) { w.null_array(); }) == "_\r\n");
    CHECK(written(3, [](auto& w) { w.map(2); }) == "%2\r\n");
    CHECK(written(3, [](auto& w) { w.map(0); }) == "%0\r\n");
    CHECK(written(3, [](auto& w) { w.set(3); }) == "~3\r\n");
    CHECK(written(3, [](auto& w) { w.push(3); }) == ">3\r\n");
    CHECK(written(3, [](auto& w) { w.boolean(true); }) == "#t\r\n");
    CHECK(written(3, [](auto& w) { w.boolean(false); }) == "#f\r\n");
    CHECK(written(3, [](auto& w) { w.double_value(1.5); }) == ",1.5\r\n");
    CHECK(written(3, [](auto& w) { w.double_value(1.1); }) == ",1.1000000000000001\r\n");
    CHECK(written(3, [](auto& w) { w.double_value(inf); }) == ",inf\r\n");
    CHECK(written(3, [](auto& w) { w.double_value(-inf); }) == ",-inf\r\n");
    CHECK(written(3, [](auto& w) { w.big_number("12345"); }) == "(12345\r\n");
    CHECK(written(3, [](auto& w) { w.verbatim("hi"); }) == "=6\r\ntxt:hi\r\n");
    CHECK(written(3, [](auto& w) { w.verbatim("", "mkd"); }) == "=4\r\nmkd:\r\n");
}

TEST_CASE("writer: doubles are formatted like Redis 7.0 (%.17g, inf, nan)") {
    CHECK(ReplyWriter::format_double(1.1) == "1.1000000000000001");
    CHECK(ReplyWriter::format_double(0.1) == "0.10000000000000001");
    CHECK(ReplyWriter::format_double(3) == "3");
    CHECK(ReplyWriter::format_double(-0.5) == "-0.5");
    CHECK(ReplyWriter::format_double(0.0) == "0");
    CHECK(ReplyWriter::format_double(-0.0) == "-0");
    CHECK(ReplyWriter::format_double(1e16) == "10000000000000000");
    CHECK(ReplyWriter::format_double(1e17) == "1e+17");
    CHECK(ReplyWriter::format_double(0.0001) == "0.0001");
    CHECK(ReplyWriter::format_double(0.00001) == "1.0000000000000001e-05");
    CHECK(ReplyWriter::format_double(DBL_MAX) == "1.7976931348623157e+308");
    CHECK(ReplyWriter::format_double(-DBL_MIN) == "-2.2250738585072014e-308");
    CHECK(ReplyWriter::format_double(4.9406564584124654e-324) == "4.9406564584124654e-324");
    CHECK(ReplyWriter::format_double(inf) == "inf");
    CHECK(ReplyWriter::format_double(-inf) == "-inf");
    CHECK(ReplyWriter::format_double(std::numeric_limits<double>::quiet_NaN()) == "nan");
}

TEST_CASE("writer: errors stay on one line, as with Redis's addReplyErrorFormat") {
    CHECK(written(2, [](auto& w) { w.error("ERR unknown command 'FOO\r\nBAR'"); }) ==
          "-ERR unknown command 'FOO  BAR'\r\n");
    CHECK(written(2, [](auto& w) { w.error("\nERR trailing\r\n"); }) == "-ERR trailing\r\n");
    CHECK(written(2, [](auto& w) { w.error("\r\n"); }) == "-\r\n");
}

TEST_CASE("writer: replies accumulate in the caller's buffer") {
    std::string out = "+PONG\r\n";
    ReplyWriter w(out);
    CHECK(w.protocol() == 2);
    CHECK(&w.buffer() == &out);
    w.map(1);
    w.bulk("k");
    w.integer(1);
    w.error("ERR x\ny");
    CHECK(out == "+PONG\r\n*2\r\n$1\r\nk\r\n:1\r\n-ERR x y\r\n");
}

TEST_CASE("writer: the protocol can change mid-stream (HELLO 3)") {
    std::string out;
    ReplyWriter w(out, 2);
    w.null();
    w.set_protocol(3);
    w.null();
    CHECK(out == "$-1\r\n_\r\n");
    CHECK(w.protocol() == 3);
}

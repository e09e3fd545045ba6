// Reply writer for RESP2 and RESP3. It appends to a caller-owned buffer so a whole
// pipeline of replies goes out in one write; RESP3-only types degrade to what Redis sends
// a RESP2 client (maps become flat arrays, doubles become bulk strings, booleans integers).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace corokv::resp {

class ReplyWriter {
public:
    explicit ReplyWriter(std::string& out, int protocol = 2) : out_(&out), proto_(protocol) {}

    int protocol() const { return proto_; }
    void set_protocol(int protocol) { proto_ = protocol; }
    std::string& buffer() { return *out_; }

    void simple(std::string_view s);        // +OK
    void ok() { simple("OK"); }
    void error(std::string_view message);   // -ERR ...; message without the leading '-'
    void integer(std::int64_t n);           // :42
    void bulk(std::string_view s);          // $3\r\nfoo
    void bulk_int(std::int64_t n);          // an integer sent as a bulk string
    void null();                            // RESP2 $-1, RESP3 _
    void null_array();                      // RESP2 *-1, RESP3 _
    void array(std::size_t n);              // *n header; n elements follow
    void map(std::size_t pairs);            // RESP3 %n, RESP2 *2n
    void set(std::size_t n);                // RESP3 ~n, RESP2 *n
    void push(std::size_t n);               // RESP3 >n, RESP2 *n
    void boolean(bool b);                   // RESP3 #t/#f, RESP2 :1/:0
    void double_value(double d);            // RESP3 ,d  RESP2 bulk, "%.17g" like Redis 7.0
    void big_number(std::string_view digits);  // RESP3 (n, RESP2 bulk
    void verbatim(std::string_view text, std::string_view format = "txt");  // RESP3 =, RESP2 bulk
    void empty_array() { array(0); }

    // The text Redis 7.0 uses for a double: "%.17g", and "inf"/"-inf"/"nan".
    static std::string format_double(double d);

private:
    void header(char type, std::int64_t n);
    std::string* out_;
    int proto_;
};

}  // namespace corokv::resp

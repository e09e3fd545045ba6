// The AOF manifest: Redis 7's format, its parsing rules and error messages.
#include <doctest/doctest.h>

#include "persistence/manifest.hpp"

using namespace corokv;

TEST_CASE("manifest: Redis's own manifest parses and formats back byte for byte") {
    const std::string text = "file appendonly.aof.2.base.aof seq 2 type b\n"
                             "file appendonly.aof.1.incr.aof seq 1 type h\n"
                             "file appendonly.aof.2.incr.aof seq 2 type i\n"
                             "file appendonly.aof.3.incr.aof seq 3 type i\n";
    auto m = parse_manifest(text);
    REQUIRE(m);
    CHECK(m.value().base()->name == "appendonly.aof.2.base.aof");
    const auto incrs = m.value().incrs();
    REQUIRE(incrs.size() == 2);
    CHECK(incrs[0]->seq == 2);
    CHECK(incrs[1]->name == "appendonly.aof.3.incr.aof");
    CHECK(m.value().next_incr_seq() == 4);
    CHECK(m.value().next_base_seq() == 3);
    CHECK(format_manifest(m.value()) == text);
}

TEST_CASE("manifest: comments, extra pairs, key case and quoted names are accepted") {
    auto m = parse_manifest("# written by a test\n"
                            "FILE \"my file\\x41.aof\" SEQ 7 TYPE i future value\n");
    REQUIRE(m);
    REQUIRE(m.value().files.size() == 1);
    CHECK(m.value().files[0].name == "my fileA.aof");
    CHECK(m.value().files[0].seq == 7);
    CHECK(format_manifest(m.value()) == "file \"my fileA.aof\" seq 7 type i\n");
}

TEST_CASE("manifest: malformed manifests fail with Redis's messages") {
    auto error_of = [](std::string_view text) {
        auto m = parse_manifest(text);
        return m ? std::string("ok") : m.error().message;
    };
    CHECK(error_of("") == "Found an empty AOF manifest");
    CHECK(error_of("\n") == "Invalid AOF manifest file format");
    CHECK(error_of("file a seq 1\n") == "Invalid AOF manifest file format");
    CHECK(error_of("file a seq x type b\n") == "Invalid AOF manifest file format");
    CHECK(error_of("file \"a seq 1 type b\n") == "Invalid AOF manifest file format");
    CHECK(error_of("file dir/a seq 1 type b\n") == "File can't be a path, just a filename");
    CHECK(error_of("file a seq 1 type x\n") == "Unknown AOF file type");
    CHECK(error_of("file a seq 1 type b\nfile b seq 2 type b\n") == "Found duplicate base file information");
    CHECK(error_of("file a seq 2 type i\nfile b seq 2 type i\n") == "Found a non-monotonic sequence number");
    CHECK(error_of("file a seq 1 type b") == "The AOF manifest file contains too long line");
    CHECK(error_of("file " + std::string(1100, 'a') + " seq 1 type b\n") ==
          "The AOF manifest file contains too long line");
}

TEST_CASE("manifest: file names follow Redis's scheme") {
    CHECK(aof_file_name("appendonly.aof", 1, AofFileInfo::Type::base) == "appendonly.aof.1.base.aof");
    CHECK(aof_file_name("appendonly.aof", 12, AofFileInfo::Type::incr) == "appendonly.aof.12.incr.aof");
}

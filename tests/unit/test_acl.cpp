// ACL users: SHA-256, rule parsing and description (Redis 7.0's forms), permission checks
// through the real dispatcher, AUTH as a user, GENPASS. Byte-exact comparison with Redis for
// the same is tests/differential/test_auth_acl_diff.py.
#include <doctest/doctest.h>

#include "commands/acl_users.hpp"
#include "commands/sha256.hpp"
#include "harness.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

AclRules rules_from(std::initializer_list<std::string_view> ops) {
    const AclCatalog& catalog = AclCatalog::instance();
    AclRules r = new_user_rules(catalog);
    for (std::string_view op : ops) REQUIRE_FALSE(apply_acl_rule(r, op, catalog).has_value());
    return r;
}

}  // namespace

TEST_CASE("sha256: FIPS 180-4 test vectors, across the one- and two-block padding boundary") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(sha256_hex("x") == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
}

TEST_CASE("acl rules: the description is Redis 7.0's greedy category fit plus single commands") {
    const AclCatalog& catalog = AclCatalog::instance();
    CHECK(describe_command_rules(rules_from({"+@all"}), catalog) == "+@all");
    CHECK(describe_command_rules(rules_from({}), catalog) == "-@all");
    CHECK(describe_command_rules(rules_from({"+@string"}), catalog) == "-@all +@string");
    CHECK(describe_command_rules(rules_from({"+@all", "-@admin"}), catalog) == "+@all -@admin");
    CHECK(describe_command_rules(rules_from({"-@all", "+@read", "-get"}), catalog) == "-@all +@read -get");
    CHECK(describe_command_rules(rules_from({"+@all", "-get"}), catalog) == "+@all -get");
    CHECK(describe_command_rules(rules_from({"+config", "-config|set"}), catalog) == "-@all +config -config|set");
    CHECK(describe_command_rules(rules_from({"+select|0", "+select|1"}), catalog) == "-@all +select|0 +select|1");
    // A rule about a command corokv does not serve is kept, as Redis keeps it.
    CHECK(describe_command_rules(rules_from({"+xadd"}), catalog) == "-@all +xadd");
}

TEST_CASE("acl rules: keys, channels, passwords and their errors") {
    const AclCatalog& catalog = AclCatalog::instance();
    AclRules r = rules_from({"%R~r*", "%W~w*", "%RW~b*", "%R~b*", "~a", "~a"});
    CHECK(describe_key_patterns(r) == "%R~r* %W~w* ~b* ~a");
    CHECK(apply_acl_rule(r, "allkeys", catalog) == std::nullopt);
    CHECK(describe_key_patterns(r) == "~*");
    CHECK(apply_acl_rule(r, "~x", catalog).value().starts_with("Adding a pattern after the * pattern"));
    AclRules fresh = new_user_rules(catalog);
    CHECK(apply_acl_rule(fresh, "%~x", catalog) == std::optional<std::string_view>("Syntax error"));
    CHECK(apply_acl_rule(fresh, "%", catalog) == std::optional<std::string_view>("Syntax error"));
    CHECK(apply_acl_rule(r, "&a b", catalog) == std::optional<std::string_view>("Syntax error"));
    CHECK(apply_acl_rule(r, "#abc", catalog).value().starts_with("The password hash must be exactly 64"));
    CHECK(apply_acl_rule(r, "<nope", catalog).value() == "The password you are trying to remove from the user does not exist");
    CHECK(apply_acl_rule(r, "+nosuch", catalog).value() == "Unknown command or category name in ACL");
    CHECK(apply_acl_rule(r, "+config|get|x", catalog).value() == "Allowing first-arg of a subcommand is not supported");
    CHECK(apply_acl_rule(r, ">pw", catalog) == std::nullopt);
    CHECK(r.passwords == std::vector<std::string>{sha256_hex("pw")});
    CHECK(apply_acl_rule(r, "&news.*", catalog) == std::nullopt);
    CHECK(describe_user("u", r, catalog) == "user u off #" + sha256_hex("pw") + " ~* resetchannels &news.* -@all");
}

TEST_CASE("acl: NOPERM for commands, keys and channels through the dispatcher; the default user is never checked") {
    Harness h;
    CHECK(h.run({"ACL", "SETUSER", "u", "on", ">p", "+@read", "+@connection", "+set", "+publish", "%R~r*", "%W~w*", "&c"}) == ok());
    CHECK(h.run({"AUTH", "u", "wrong"}) == err("WRONGPASS invalid username-password pair or user is disabled."));
    CHECK(h.run({"AUTH", "u", "p"}) == ok());
    CHECK(h.run({"ACL", "WHOAMI"}) == err("NOPERM this user has no permissions to run the 'acl|whoami' command"));
    CHECK(h.run({"GET", "r1"}) == "$-1\r\n");
    CHECK(h.run({"GET", "w1"}) == err("NOPERM this user has no permissions to access one of the keys used as arguments"));
    CHECK(h.run({"SET", "w1", "v"}) == ok());
    CHECK(h.run({"SET", "w1", "v", "GET"}) ==
          err("NOPERM this user has no permissions to access one of the keys used as arguments"));
    CHECK(h.run({"LPUSH", "w1", "v"}) == err("NOPERM this user has no permissions to run the 'lpush' command"));
    CHECK(h.run({"PUBLISH", "d", "m"}) ==
          err("NOPERM this user has no permissions to access one of the channels used as arguments"));
    CHECK(h.run({"RESET"}) == "+RESET\r\n");
    CHECK(h.state.acl.default_user()->unrestricted.load());
    CHECK(h.run({"ACL", "WHOAMI"}) == bulk("default"));
}

TEST_CASE("acl: DELUSER closes the user's connections, CLIENT KILL USER finds them") {
    Harness h;
    OtherClient other(h);
    int kills = 0;
    other.session.kill = [&] { ++kills; };
    h.state.clients.add(std::shared_ptr<ClientSession>(std::shared_ptr<ClientSession>(), &other.session));
    CHECK(h.run({"ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*", "&*"}) == ok());
    CHECK(other.run({"AUTH", "u", "any"}) == ok());
    CHECK(h.run({"CLIENT", "KILL", "USER", "u"}) == integer(1));
    CHECK(h.run({"ACL", "DELUSER", "u", "nosuch"}) == integer(1));
    CHECK(kills == 2);
    CHECK(h.run({"ACL", "DELUSER", "default"}) == err("ERR The 'default' user cannot be removed"));
    h.state.clients.remove(other.session.id);
}

TEST_CASE("acl: requirepass sets the default user's password; new connections must then AUTH") {
    Harness h;
    CHECK_FALSE(h.state.acl.auth_required());
    CHECK(h.run({"CONFIG", "SET", "requirepass", "s3cret"}) == ok());
    CHECK(h.state.acl.auth_required());
    CHECK(h.state.acl.authenticate("default", "s3cret") != nullptr);
    CHECK(h.state.acl.authenticate("default", "other") == nullptr);
    CHECK(h.run({"CONFIG", "SET", "requirepass", ""}) == ok());
    CHECK_FALSE(h.state.acl.auth_required());
}

TEST_CASE("acl genpass: hex digits, 4 bits each rounded up, 256 bits by default") {
    Harness h;
    const auto hex_length = [](const std::string& reply) {
        const std::size_t start = reply.find("\r\n") + 2;
        const std::string body = reply.substr(start, reply.size() - start - 2);
        CHECK(body.find_first_not_of("0123456789abcdef") == std::string::npos);
        return body.size();
    };
    CHECK(hex_length(h.run({"ACL", "GENPASS"})) == 64);
    CHECK(hex_length(h.run({"ACL", "GENPASS", "5"})) == 2);
    CHECK(hex_length(h.run({"ACL", "GENPASS", "4096"})) == 1024);
    CHECK(h.run({"ACL", "GENPASS"}) != h.run({"ACL", "GENPASS"}));
}

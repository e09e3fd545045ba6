#include "commands/acl_users.hpp"

#include <algorithm>
#include <cctype>

#include "commands/clients.hpp"
#include "commands/command.hpp"
#include "commands/command_table.hpp"
#include "commands/dispatch.hpp"
#include "commands/numbers.hpp"
#include "commands/sha256.hpp"
#include "store/glob.hpp"

namespace corokv {
namespace {

constexpr std::string_view kCategoryNames[] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
    "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting"};
static_assert(std::size(kCategoryNames) == static_cast<std::size_t>(AclCategory::count));

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }
std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

// Redis's SETUSER reasons (ACLSetUserStringError's texts), by the errno it maps them from.
namespace reason {
constexpr std::string_view kUnknownName = "Unknown command or category name in ACL";
constexpr std::string_view kSyntax = "Syntax error";
constexpr std::string_view kKeyAfterAll =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. "
    "Try 'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kChannelAfterAll =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. "
    "Try 'resetchannels' to start with an empty list of channels";
constexpr std::string_view kNoSuchPassword = "The password you are trying to remove from the user does not exist";
constexpr std::string_view kBadHash =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
constexpr std::string_view kFirstArgOfSubcommand = "Allowing first-arg of a subcommand is not supported";
constexpr std::string_view kSelectors = "Selectors are not supported by this server";
}  // namespace reason

bool is_password_hash(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Compares in time independent of where the strings differ (both are digests of one length).
bool same_digest(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

// ---- command bits ----

void set_command_bit(AclRules& r, int id, bool allow) {
    std::uint64_t& word = r.allowed[static_cast<std::size_t>(id) / 64];
    const std::uint64_t bit = std::uint64_t{1} << (id % 64);
    if (allow) {
        word |= bit;
    } else {
        word &= ~bit;
        r.all_commands = false;
    }
}

// Redis's ACLChangeSelectorPerm: a command and all its subcommands, dropping allowed first args.
void change_permission(AclRules& r, const AclCatalog& catalog, int id, bool allow) {
    r.first_args.erase(id);
    set_command_bit(r, id, allow);
    for (int sub : catalog.commands()[static_cast<std::size_t>(id)].subcommands) set_command_bit(r, sub, allow);
}

// +@category / -@category. Ids are in table order, each subcommand after its parent, so a
// container's own change (which sets all its subcommands) comes before its subcommands' own.
void change_category(AclRules& r, const AclCatalog& catalog, AclCategory category, bool allow) {
    const auto& commands = catalog.commands();
    for (std::size_t id = 0; id < commands.size(); ++id)
        if (commands[id].categories & category_bit(category)) change_permission(r, catalog, static_cast<int>(id), allow);
}

void reset_commands(AclRules& r, bool allow) {
    std::fill(r.allowed.begin(), r.allowed.end(), allow ? ~std::uint64_t{0} : 0);
    r.all_commands = allow;
    r.future_commands = allow;
    r.first_args.clear();
}

std::optional<std::string_view> allow_command_rule(AclRules& r, const AclCatalog& catalog, std::string_view name) {
    const std::size_t bar = name.rfind('|');
    if (bar == std::string_view::npos) {
        const int id = catalog.find(name);
        if (id < 0) return reason::kUnknownName;
        change_permission(r, catalog, id, true);
        return std::nullopt;
    }
    const int id = catalog.find(name.substr(0, bar));
    if (id < 0) return reason::kUnknownName;
    const AclCatalog::Command& command = catalog.commands()[static_cast<std::size_t>(id)];
    if (command.parent >= 0) return reason::kFirstArgOfSubcommand;
    const std::string_view first_arg = name.substr(bar + 1);
    if (first_arg.empty()) return reason::kSyntax;
    if (!command.subcommands.empty()) {
        const int sub = catalog.find(name);
        if (sub < 0) return reason::kUnknownName;
        change_permission(r, catalog, sub, true);
        return std::nullopt;
    }
    // "+select|0": SELECT only with that first argument (Redis's deprecated allowed first-args).
    auto& allowed = r.first_args[id];
    const std::string lower = lowercase(first_arg);
    if (std::find(allowed.begin(), allowed.end(), lower) == allowed.end()) allowed.push_back(lower);
    return std::nullopt;
}

std::optional<std::string_view> command_rule(AclRules& r, const AclCatalog& catalog, std::string_view op) {
    const bool allow = op[0] == '+';
    if (op.size() > 1 && op[1] == '@') {
        auto category = acl_category_by_name(op.substr(2));
        if (!category) return reason::kUnknownName;
        change_category(r, catalog, *category, allow);
        return std::nullopt;
    }
    if (allow) return allow_command_rule(r, catalog, op.substr(1));
    const int id = catalog.find(op.substr(1));
    if (id < 0) return reason::kUnknownName;
    change_permission(r, catalog, id, false);
    return std::nullopt;
}

// ---- keys and channels ----

std::optional<std::string_view> key_pattern_rule(AclRules& r, std::string_view op) {
    if (r.all_keys) return reason::kKeyAfterAll;
    std::uint8_t permissions = kAclReadWrite;
    std::size_t offset = 1;
    if (op[0] == '%') {
        permissions = 0;
        for (; offset < op.size(); ++offset) {
            const char c = ascii_lower(op[offset]);
            if (c == 'r' && !(permissions & kAclRead)) {
                permissions |= kAclRead;
            } else if (c == 'w' && !(permissions & kAclWrite)) {
                permissions |= kAclWrite;
            } else if (c == '~' && permissions != 0) {
                ++offset;
                break;
            } else {
                return reason::kSyntax;
            }
        }
        if (permissions == 0) return reason::kSyntax;  // "%" alone
    }
    const std::string_view pattern = op.substr(std::min(offset, op.size()));
    if (acl_has_space(pattern)) return reason::kSyntax;
    if (pattern == "*" && permissions == kAclReadWrite) {
        r.all_keys = true;
        r.keys.clear();
        return std::nullopt;
    }
    auto same = std::find_if(r.keys.begin(), r.keys.end(), [&](const AclKeyPattern& k) { return k.pattern == pattern; });
    if (same != r.keys.end()) same->permissions |= permissions;
    else r.keys.push_back({std::string(pattern), permissions});
    return std::nullopt;
}

std::optional<std::string_view> channel_pattern_rule(AclRules& r, std::string_view op) {
    if (r.all_channels) return reason::kChannelAfterAll;
    const std::string_view pattern = op.substr(1);
    if (acl_has_space(pattern)) return reason::kSyntax;
    if (std::find(r.channels.begin(), r.channels.end(), pattern) == r.channels.end()) r.channels.emplace_back(pattern);
    return std::nullopt;
}

// ---- passwords ----

// The digest a password rule names: `>pw` / `<pw` give the password (hashed here), `#hex` /
// `!hex` its digest; nullopt for a malformed digest.
std::optional<std::string> rule_digest(std::string_view op) {
    const std::string_view rest = op.substr(1);
    if (op[0] == '>' || op[0] == '<') return sha256_hex(rest);
    if (!is_password_hash(rest)) return std::nullopt;
    return std::string(rest);
}

std::optional<std::string_view> add_password_rule(AclRules& r, std::string_view op) {
    const auto digest = rule_digest(op);
    if (!digest) return reason::kBadHash;
    if (std::find(r.passwords.begin(), r.passwords.end(), *digest) == r.passwords.end()) r.passwords.push_back(*digest);
    r.nopass = false;
    return std::nullopt;
}

std::optional<std::string_view> remove_password_rule(AclRules& r, std::string_view op) {
    const auto digest = rule_digest(op);
    if (!digest) return reason::kBadHash;
    auto it = std::find(r.passwords.begin(), r.passwords.end(), *digest);
    if (it == r.passwords.end()) return reason::kNoSuchPassword;
    r.passwords.erase(it);
    return std::nullopt;
}

void reset_user(AclRules& r) {
    r.nopass = false;
    r.passwords.clear();
    r.all_keys = false;
    r.keys.clear();
    r.all_channels = false;  // Redis's acl-pubsub-default resetchannels
    r.channels.clear();
    r.enabled = false;
    r.sanitize = AclRules::Sanitize::sanitize;
    reset_commands(r, false);
}

// The switches that need no argument (Redis's ACLSetUser and ACLSetSelector keywords);
// false when `op` is none of them.
bool keyword_rule(AclRules& r, std::string_view op) {
    if (option_is(op, "on")) r.enabled = true;
    else if (option_is(op, "off")) r.enabled = false;
    else if (option_is(op, "skip-sanitize-payload")) r.sanitize = AclRules::Sanitize::skip;
    else if (option_is(op, "sanitize-payload")) r.sanitize = AclRules::Sanitize::sanitize;
    else if (option_is(op, "nopass")) r.nopass = true, r.passwords.clear();
    else if (option_is(op, "resetpass")) r.nopass = false, r.passwords.clear();
    else if (option_is(op, "allkeys") || op == "~*") r.all_keys = true, r.keys.clear();
    else if (option_is(op, "resetkeys")) r.all_keys = false, r.keys.clear();
    else if (option_is(op, "allchannels") || op == "&*") r.all_channels = true, r.channels.clear();
    else if (option_is(op, "resetchannels")) r.all_channels = false, r.channels.clear();
    else if (option_is(op, "allcommands") || option_is(op, "+@all")) reset_commands(r, true);
    else if (option_is(op, "nocommands") || option_is(op, "-@all")) reset_commands(r, false);
    else if (option_is(op, "reset")) reset_user(r);
    else if (option_is(op, "clearselectors")) {}  // no selectors exist to clear
    else return false;
    return true;
}

// ---- checks ----

// How a command uses the key at `index` of its `count` keys (Redis's key-spec flags mapped
// to permissions: a key whose value is read needs read, one inserted, updated or deleted
// needs write, one only looked at (EXISTS, TYPE) needs neither).
std::uint8_t key_permissions_needed(const CommandSpec& spec, std::span<const std::string_view> args,
                                    std::size_t index, std::size_t count) {
    const std::uint32_t f = spec.flags;
    if ((f & kDestFirst) && index == 0) return kAclWrite;
    if ((f & kDestLast) && count > 1 && index == count - 1) return kAclWrite;
    if (f & kKeysBlind) return 0;
    if (f & kKeysReadOnly) return kAclRead;
    if (f & kKeysWriteOnly) {
        if (f & kReadsWithGet)
            for (std::size_t i = 3; i < args.size(); ++i)
                if (option_is(args[i], "get")) return kAclReadWrite;
        return kAclWrite;
    }
    return (f & kWrite) ? kAclReadWrite : kAclRead;
}

bool key_allowed(const AclRules& r, std::string_view key, std::uint8_t needed) {
    for (const AclKeyPattern& p : r.keys)
        if ((p.permissions & needed) == needed && glob_match(p.pattern, key)) return true;
    return false;
}

// The commands whose arguments name channels (Redis's getChannelsFromCommand): PUBLISH and
// SPUBLISH one, the SUBSCRIBE forms all; PSUBSCRIBE's are patterns, allowed only by an equal
// channel rule. UNSUBSCRIBE forms are never refused.
struct ChannelArguments {
    std::string_view command;
    bool all;       // every argument from the first, or only the first
    bool patterns;
};
constexpr ChannelArguments kChannelCommands[] = {
    {"publish", false, false}, {"spublish", false, false}, {"subscribe", true, false},
    {"ssubscribe", true, false}, {"psubscribe", true, true}};


std::optional<std::size_t> denied_channel(const AclRules& r, const CommandSpec& spec,
                                          std::span<const std::string_view> args) {
    for (const ChannelArguments& c : kChannelCommands) {
        if (spec.name != c.command) continue;
        const std::size_t end = c.all ? args.size() : std::min<std::size_t>(2, args.size());
        for (std::size_t i = 1; i < end; ++i)
            if (!acl_channel_allowed(r, args[i], c.patterns)) return i;
    }
    return std::nullopt;
}

bool first_arg_allowed(const AclRules& r, int id, std::span<const std::string_view> args) {
    auto it = r.first_args.find(id);
    if (it == r.first_args.end() || args.size() < 2) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](const std::string& a) { return option_is(args[1], a); });
}

}  // namespace

bool acl_has_space(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '\0'; });
}

std::string_view acl_category_name(AclCategory c) { return kCategoryNames[static_cast<std::size_t>(c)]; }

std::optional<AclCategory> acl_category_by_name(std::string_view name) {
    for (std::size_t i = 0; i < std::size(kCategoryNames); ++i)
        if (option_is(name, kCategoryNames[i])) return static_cast<AclCategory>(i);
    return std::nullopt;
}

// ---- catalog ----

const AclCatalog& AclCatalog::instance() {
    static const AclCatalog catalog(all_commands(), redis_acl_catalog());
    return catalog;
}

AclCatalog::AclCatalog(std::span<const CommandSpec* const> top_level, std::span<const RedisAclEntry> known_to_redis) {
    for (const CommandSpec* spec : top_level) {
        const int id = add(spec, std::string(spec->name), -1, acl_category_mask(*spec));
        for (const CommandSpec& sub : spec->subcommands)
            add(&sub, std::string(spec->name) + "|" + std::string(sub.name), id, acl_category_mask(sub, spec));
    }
    for (const RedisAclEntry& entry : known_to_redis)
        if (!by_name_.contains(entry.full_name)) add_redis_only(entry);
}

int AclCatalog::add(const CommandSpec* spec, std::string full_name, int parent, AclCategoryMask categories) {
    const int id = static_cast<int>(commands_.size());
    by_name_.emplace(full_name, id);
    if (spec) by_spec_.emplace(spec, id);
    if (parent >= 0) commands_[static_cast<std::size_t>(parent)].subcommands.push_back(id);
    commands_.push_back({spec, parent, std::move(full_name), categories, {}});
    return id;
}

void AclCatalog::add_redis_only(const RedisAclEntry& entry) {
    AclCategoryMask categories = 0;
    std::string_view rest = entry.categories;
    while (!rest.empty()) {
        const std::size_t space = rest.find(' ');
        if (auto c = acl_category_by_name(rest.substr(0, space))) categories |= category_bit(*c);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    int parent = -1;
    if (const std::size_t bar = entry.full_name.find('|'); bar != std::string_view::npos) {
        parent = find(entry.full_name.substr(0, bar));
        if (parent < 0) return;  // the generated data lists each container before its subcommands
    }
    add(nullptr, std::string(entry.full_name), parent, categories);
}

int AclCatalog::id_of(const CommandSpec& spec) const {
    auto it = by_spec_.find(&spec);
    return it == by_spec_.end() ? -1 : it->second;
}

int AclCatalog::find(std::string_view full_name) const {
    auto it = by_name_.find(lowercase(full_name));
    return it == by_name_.end() ? -1 : it->second;
}

// ---- rules ----

bool AclRules::unrestricted() const {
    if (!all_keys || !all_channels) return false;
    if (all_commands) return true;
    return std::all_of(allowed.begin(), allowed.end(), [](std::uint64_t w) { return w == ~std::uint64_t{0}; });
}

AclRules new_user_rules(const AclCatalog& catalog) {
    AclRules r;
    r.allowed.assign((catalog.commands().size() + 63) / 64, 0);
    return r;
}

std::optional<std::string_view> apply_acl_rule(AclRules& r, std::string_view op, const AclCatalog& catalog) {
    if (op.empty()) return std::nullopt;  // Redis: an empty modifier does nothing
    if (keyword_rule(r, op)) return std::nullopt;
    switch (op[0]) {
        case '>':
        case '#': return add_password_rule(r, op);
        case '<':
        case '!': return remove_password_rule(r, op);
        case '~':
        case '%': return key_pattern_rule(r, op);
        case '&': return channel_pattern_rule(r, op);
        case '+':
        case '-': return op.size() > 1 ? command_rule(r, catalog, op) : reason::kUnknownName;
        case '(': return reason::kSelectors;
        default: return reason::kSyntax;
    }
}

std::string describe_command_rules(const AclRules& rules, const AclCatalog& catalog) {
    AclRules fit = new_user_rules(catalog);
    const bool additive = !rules.future_commands;
    reset_commands(fit, !additive);
    std::string out = additive ? "-@all " : "+@all ";
    const auto& commands = catalog.commands();
    // Redis 7.0's greedy fit: repeatedly take the category with the fewest commands that
    // would be wrong (and, on a tie, the most that would be right) among those with more
    // right than wrong, counted on the commands no category taken so far covers.
    AclRules uncovered = rules;
    bool taken[static_cast<std::size_t>(AclCategory::count)] = {};
    for (;;) {
        int best = -1;
        std::size_t min_wrong = SIZE_MAX, max_right = 0;
        for (std::size_t c = 0; c < std::size(taken); ++c) {
            if (taken[c]) continue;
            std::size_t on = 0, off = 0;
            for (std::size_t id = 0; id < commands.size(); ++id)
                if (commands[id].categories & category_bit(static_cast<AclCategory>(c)))
                    (uncovered.allows(static_cast<int>(id)) ? on : off)++;
            const std::size_t wrong = additive ? off : on, right = additive ? on : off;
            if (right > wrong && (wrong < min_wrong || (wrong == min_wrong && right > max_right))) {
                best = static_cast<int>(c);
                min_wrong = wrong;
                max_right = right;
            }
        }
        if (best < 0) break;
        const auto category = static_cast<AclCategory>(best);
        change_category(fit, catalog, category, additive);
        change_category(uncovered, catalog, category, !additive);
        taken[best] = true;
        out += additive ? "+@" : "-@";
        out += acl_category_name(category);
        out += ' ';
    }
    // Then single commands where the fit still differs, and allowed first arguments.
    for (std::size_t id = 0; id < commands.size(); ++id) {
        const int i = static_cast<int>(id);
        const bool allowed = rules.allows(i);
        if (allowed != fit.allows(i)) {
            out += allowed ? '+' : '-';
            out += commands[id].full_name;
            out += ' ';
            change_permission(fit, catalog, i, allowed);
        }
        auto first = rules.first_args.find(i);
        if (!allowed && first != rules.first_args.end())
            for (const std::string& arg : first->second) out += "+" + commands[id].full_name + "|" + arg + " ";
    }
    out.pop_back();
    return out;
}

std::string describe_key_patterns(const AclRules& rules) {
    if (rules.all_keys) return "~*";
    std::string out;
    for (const AclKeyPattern& k : rules.keys) {
        if (!out.empty()) out += ' ';
        out += k.permissions == kAclReadWrite ? "~" : k.permissions == kAclRead ? "%R~" : "%W~";
        out += k.pattern;
    }
    return out;
}

std::string describe_channel_patterns(const AclRules& rules) {
    if (rules.all_channels) return "&*";
    std::string out;
    for (const std::string& c : rules.channels) {
        if (!out.empty()) out += ' ';
        out += "&" + c;
    }
    return out;
}

std::vector<std::string_view> describe_flags(const AclRules& rules) {
    std::vector<std::string_view> flags{rules.enabled ? "on" : "off"};
    if (rules.nopass) flags.push_back("nopass");
    if (rules.sanitize == AclRules::Sanitize::skip) flags.push_back("skip-sanitize-payload");
    if (rules.sanitize == AclRules::Sanitize::sanitize) flags.push_back("sanitize-payload");
    return flags;
}

std::string describe_user(std::string_view name, const AclRules& rules, const AclCatalog& catalog) {
    std::string out = "user ";
    out += name;
    for (std::string_view flag : describe_flags(rules)) out += " " + std::string(flag);
    for (const std::string& p : rules.passwords) out += " #" + p;
    if (std::string keys = describe_key_patterns(rules); !keys.empty()) out += " " + keys;
    out += rules.all_channels ? " &*" : " resetchannels";
    if (!rules.all_channels && !rules.channels.empty()) out += " " + describe_channel_patterns(rules);
    out += " " + describe_command_rules(rules, catalog);
    return out;
}

AclVerdict acl_check(const AclRules& rules, const AclCatalog& catalog, const CommandSpec& spec,
                     std::span<const std::string_view> args) {
    if (!rules.all_commands && !(spec.flags & kNoAuth)) {
        const int id = catalog.id_of(spec);
        // A subcommand's first argument is args[2]; only top-level commands have first-arg rules.
        if (!rules.allows(id) && !first_arg_allowed(rules, id, args)) return {AclDenial::command, 0};
    }
    if (!rules.all_keys) {
        thread_local std::vector<std::size_t> positions;
        key_positions(spec, args, positions);
        for (std::size_t i = 0; i < positions.size(); ++i) {
            const std::uint8_t needed = key_permissions_needed(spec, args, i, positions.size());
            if (!key_allowed(rules, args[positions[i]], needed)) return {AclDenial::key, positions[i]};
        }
    }
    if (!rules.all_channels)
        if (auto arg = denied_channel(rules, spec, args)) return {AclDenial::channel, *arg};
    return {};
}

bool acl_channel_allowed(const AclRules& rules, std::string_view channel, bool is_pattern) {
    if (rules.all_channels) return true;
    for (const std::string& p : rules.channels)
        if (is_pattern ? p == channel : glob_match(p, channel)) return true;
    return false;
}

bool may_read_every_key(const ClientSession& client) {
    if (!client.user || client.user->unrestricted.load(std::memory_order_relaxed)) return true;
    return client.user->with_rules([](const AclRules& r) {
        return r.all_keys || std::any_of(r.keys.begin(), r.keys.end(), [](const AclKeyPattern& p) {
                   return p.pattern == "*" && (p.permissions & kAclRead);
               });
    });
}

std::string noperm_error(AclDenial denial, std::string_view command_name) {
    switch (denial) {
        case AclDenial::command:
            return "NOPERM this user has no permissions to run the '" + std::string(command_name) + "' command";
        case AclDenial::key: return "NOPERM this user has no permissions to access one of the keys used as arguments";
        case AclDenial::channel:
            return "NOPERM this user has no permissions to access one of the channels used as arguments";
        case AclDenial::none: break;
    }
    return {};
}

std::string_view acl_denial_reason(AclDenial denial) {
    switch (denial) {
        case AclDenial::command: return "no permission to execute the command or subcommand";
        case AclDenial::key: return "no permission to touch the specified keys";
        case AclDenial::channel: return "no permission to access one of the channels used as arguments";
        case AclDenial::none: break;
    }
    return "no permission";
}

// ---- users ----

void AclUser::replace(AclRules rules) {
    std::lock_guard lock(mutex_);
    rules_ = std::move(rules);
    unrestricted.store(rules_.unrestricted(), std::memory_order_relaxed);
}

AclRegistry::AclRegistry(const AclCatalog& catalog) : catalog_(catalog) {
    AclRules rules = new_user_rules(catalog);
    for (std::string_view op : {"on", "nopass", "~*", "&*", "+@all"}) apply_acl_rule(rules, op, catalog);
    default_user_ = std::make_shared<AclUser>("default", std::move(rules));
    users_.emplace("default", default_user_);
    refresh_auth_required();
}

std::shared_ptr<AclUser> AclRegistry::find(std::string_view name) const {
    std::lock_guard lock(mutex_);
    auto it = users_.find(name);
    return it == users_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<AclUser>> AclRegistry::users() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<AclUser>> out;
    for (const auto& [name, user] : users_) out.push_back(user);
    return out;
}

std::optional<std::pair<std::string, std::string_view>> AclRegistry::set_user(std::string_view name,
                                                                            std::span<const std::string_view> ops) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(name);
    AclRules rules = it == users_.end() ? new_user_rules(catalog_) : it->second->rules();
    for (std::string_view op : ops)
        if (auto why = apply_acl_rule(rules, op, catalog_)) return std::pair{std::string(op), *why};
    if (it == users_.end()) users_.emplace(std::string(name), std::make_shared<AclUser>(std::string(name), std::move(rules)));
    else it->second->replace(std::move(rules));
    refresh_auth_required();
    return std::nullopt;
}

std::shared_ptr<AclUser> AclRegistry::remove(std::string_view name) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(name);
    if (it == users_.end() || it->second == default_user_) return nullptr;
    auto user = it->second;
    users_.erase(it);
    return user;
}

void AclRegistry::set_default_password(std::string_view password) {
    std::lock_guard lock(mutex_);
    AclRules rules = default_user_->rules();
    apply_acl_rule(rules, "resetpass", catalog_);
    apply_acl_rule(rules, password.empty() ? std::string("nopass") : ">" + std::string(password), catalog_);
    default_user_->replace(std::move(rules));
    refresh_auth_required();
}

std::shared_ptr<AclUser> AclRegistry::authenticate(std::string_view name, std::string_view password) const {
    auto user = find(name);
    if (!user) return nullptr;
    const bool ok = user->with_rules([&](const AclRules& r) {
        if (!r.enabled) return false;
        if (r.nopass) return true;
        const std::string digest = sha256_hex(password);
        bool match = false;
        for (const std::string& p : r.passwords) match |= same_digest(p, digest);
        return match;
    });
    return ok ? user : nullptr;
}

void AclRegistry::refresh_auth_required() {
    const bool required = default_user_->with_rules([](const AclRules& r) { return !r.nopass || !r.enabled; });
    auth_required_.store(required, std::memory_order_relaxed);
}

}  // namespace corokv

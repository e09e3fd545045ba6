#include "commands/command_table.hpp"

#include "commands/acl_users.hpp"

namespace corokv {

const std::vector<const CommandSpec*>& all_commands() {
    static const std::vector<const CommandSpec*> all = [] {
        std::vector<const CommandSpec*> v;
        for (auto family : {connection_commands(), server_commands(), string_commands(),
                            hash_commands(), key_commands(), list_commands(), set_commands(),
                            zset_commands(), sort_commands(), memory_commands(), persistence_commands(),
                            transaction_commands(), pubsub_commands(), monitor_commands(),
                            slowlog_commands(), acl_commands()})
            for (const CommandSpec& spec : family) v.push_back(&spec);
        return v;
    }();
    return all;
}

std::vector<std::string_view> flag_names(const CommandSpec& spec) {
    static constexpr std::pair<CommandFlag, std::string_view> names[] = {
        {kWrite, "write"},         {kReadonly, "readonly"},  {kDenyOom, "denyoom"},
        {kAdmin, "admin"},         {kPubsub, "pubsub"},      {kNoscript, "noscript"},  {kBlocking, "blocking"},
        {kLoading, "loading"},     {kStale, "stale"},        {kSkipSlowlog, "skip_slowlog"},
        {kFast, "fast"},           {kNoAuth, "no_auth"},     {kNoMulti, "no_multi"},
        {kAllowBusy, "allow_busy"},
    };
    std::vector<std::string_view> out;
    for (const auto& [flag, name] : names)
        if (spec.flags & flag) out.push_back(name);
    if (spec.find_keys) out.push_back("movablekeys");
    return out;
}

namespace {

// The categories a row's group stands for (Redis lists them explicitly per command; for
// nearly every command they follow its group).
AclCategoryMask group_categories(std::string_view group) {
    static constexpr std::pair<std::string_view, AclCategory> groups[] = {
        {"generic", AclCategory::keyspace}, {"string", AclCategory::string},   {"hash", AclCategory::hash},
        {"list", AclCategory::list},        {"set", AclCategory::set},         {"sorted-set", AclCategory::sortedset},
        {"connection", AclCategory::connection}, {"transactions", AclCategory::transaction},
        {"pubsub", AclCategory::pubsub}};
    for (const auto& [name, category] : groups)
        if (name == group) return category_bit(category);
    return 0;
}

// Where Redis's explicit categories are not the group's: by full name (a container's entry
// holds for its subcommands too, unless one has its own).
AclCategoryMask explicit_categories(const CommandSpec& spec, const CommandSpec* parent) {
    using C = AclCategory;
    static const std::pair<std::string_view, AclCategoryMask> exceptions[] = {
        {"command", category_bit(C::connection)},
        {"dbsize", category_bit(C::keyspace)},
        {"flushall", category_bit(C::keyspace) | category_bit(C::dangerous)},
        {"flushdb", category_bit(C::keyspace) | category_bit(C::dangerous)},
        {"info", category_bit(C::dangerous)},
        {"keys", category_bit(C::keyspace) | category_bit(C::dangerous)},
        {"pubsub|help", 0},
        {"sort", category_bit(C::list) | category_bit(C::set) | category_bit(C::sortedset) | category_bit(C::dangerous)},
        {"sort_ro", category_bit(C::list) | category_bit(C::set) | category_bit(C::sortedset) | category_bit(C::dangerous)},
    };
    const std::string full_name = parent ? std::string(parent->name) + "|" + std::string(spec.name) : std::string(spec.name);
    for (const auto& [name, mask] : exceptions)
        if (name == full_name) return mask;
    for (const auto& [name, mask] : exceptions)
        if (parent && name == parent->name) return mask;
    // A container (CLIENT, CONFIG, OBJECT, ...) has only the categories its flags imply.
    if (!parent && !spec.subcommands.empty()) return 0;
    return group_categories(parent ? parent->group : spec.group);
}

}  // namespace

// Redis's setImplicitACLCategories on top of the explicit ones.
AclCategoryMask acl_category_mask(const CommandSpec& spec, const CommandSpec* parent) {
    using C = AclCategory;
    AclCategoryMask mask = explicit_categories(spec, parent);
    if (spec.flags & kWrite) mask |= category_bit(C::write);
    if (spec.flags & kReadonly) mask |= category_bit(C::read);
    if (spec.flags & kAdmin) mask |= category_bit(C::admin) | category_bit(C::dangerous);
    if (spec.flags & kPubsub) mask |= category_bit(C::pubsub);
    mask |= category_bit(spec.flags & kFast ? C::fast : C::slow);
    if (spec.flags & kBlocking) mask |= category_bit(C::blocking);
    return mask;
}

std::vector<std::string_view> acl_categories(const CommandSpec& spec, const CommandSpec* parent) {
    const AclCategoryMask mask = acl_category_mask(spec, parent);
    std::vector<std::string_view> out;
    for (int c = 0; c < static_cast<int>(AclCategory::count); ++c)
        if (mask & category_bit(static_cast<AclCategory>(c))) out.push_back(acl_category_name(static_cast<AclCategory>(c)));
    return out;
}

}  // namespace corokv

#include "commands/command_table.hpp"

namespace corokv {

const std::vector<const CommandSpec*>& all_commands() {
    static const std::vector<const CommandSpec*> all = [] {
        std::vector<const CommandSpec*> v;
        for (auto family : {connection_commands(), server_commands(), string_commands(),
                            hash_commands(), key_commands(), list_commands(), set_commands(),
                            zset_commands(), sort_commands(), memory_commands(), persistence_commands(),
                            transaction_commands(), pubsub_commands(), monitor_commands(),
                            slowlog_commands()})
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

// ACL categories follow from the row: its flags and its group, as Redis derives most of them.
std::vector<std::string_view> acl_categories(const CommandSpec& spec) {
    std::vector<std::string_view> out;
    if (spec.group == "generic") out.push_back("@keyspace");
    if (spec.flags & kReadonly) out.push_back("@read");
    if (spec.flags & kWrite) out.push_back("@write");
    if (spec.group == "string") out.push_back("@string");
    if (spec.group == "hash") out.push_back("@hash");
    if (spec.group == "list") out.push_back("@list");
    if (spec.group == "set") out.push_back("@set");
    if (spec.group == "sorted-set") out.push_back("@sortedset");
    if (spec.group == "connection") out.push_back("@connection");
    if (spec.group == "transactions") out.push_back("@transaction");
    if (spec.group == "pubsub") out.push_back("@pubsub");
    if (spec.flags & kAdmin) {
        out.push_back("@admin");
        out.push_back("@dangerous");
    }
    if (spec.flags & kAllShards && spec.flags & (kWrite | kReadonly) && spec.group != "server")
        out.push_back("@dangerous");
    out.push_back(spec.flags & kFast ? "@fast" : "@slow");
    if (spec.flags & kBlocking) out.push_back("@blocking");
    return out;
}

}  // namespace corokv

#include "persistence/aof_encode.hpp"

#include <charconv>
#include <vector>

#include "resp/writer.hpp"

namespace corokv {
namespace {

constexpr std::size_t kItemsPerCommand = 64;

void append_header(std::string& out, char type, std::size_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    (void)ec;
    out.push_back(type);
    out.append(buf, end);
    out.append("\r\n");
}

void append_bulk(std::string& out, std::string_view s) {
    append_header(out, '$', s.size());
    out.append(s);
    out.append("\r\n");
}

// Collects a container's elements into commands of at most 64 items: `verb key item...`.
// Items are copied (a list or intset hands out views into scratch buffers).
class BatchedCommand {
public:
    BatchedCommand(std::string& out, std::string_view verb, std::string_view key, std::size_t per_item)
        : out_(out), verb_(verb), key_(key), per_item_(per_item) {}
    ~BatchedCommand() { flush(); }

    void add(std::string_view part) {
        parts_.emplace_back(part);
        if (parts_.size() == kItemsPerCommand * per_item_) flush();
    }

private:
    void flush() {
        if (parts_.empty()) return;
        append_header(out_, '*', parts_.size() + 2);
        append_bulk(out_, verb_);
        append_bulk(out_, key_);
        for (const std::string& p : parts_) append_bulk(out_, p);
        parts_.clear();
    }
    std::string& out_;
    std::string_view verb_;
    std::string_view key_;
    std::size_t per_item_;
    std::vector<std::string> parts_;
};

void append_value(std::string& out, std::string_view key, const StringValue& v) {
    char scratch[24];
    append_resp_command(out, {"SET", key, v.view(scratch)});
}

void append_value(std::string& out, std::string_view key, const HashValue& v) {
    BatchedCommand cmd(out, "HSET", key, 2);
    v.fields().for_each([&](std::string_view field, const std::string& value) {
        cmd.add(field);
        cmd.add(value);
    });
}

void append_value(std::string& out, std::string_view key, const ListValue& v) {
    BatchedCommand cmd(out, "RPUSH", key, 1);
    v.for_each(0, v.size(), [&](std::string_view element) { cmd.add(element); });
}

void append_value(std::string& out, std::string_view key, const SetValue& v) {
    BatchedCommand cmd(out, "SADD", key, 1);
    v.for_each([&](std::string_view member) { cmd.add(member); });
}

void append_value(std::string& out, std::string_view key, const ZSetValue& v) {
    BatchedCommand cmd(out, "ZADD", key, 2);
    v.for_each([&](std::string_view member, double score) {
        cmd.add(resp::ReplyWriter::format_double(score));  // %.17g: the exact double back
        cmd.add(member);
    });
}

}  // namespace

void append_resp_command(std::string& out, std::span<const std::string_view> args) {
    append_header(out, '*', args.size());
    for (std::string_view a : args) append_bulk(out, a);
}

void append_key(std::string& out, std::string_view key, const Entry& entry) {
    std::visit([&](const auto& value) { append_value(out, key, value); }, entry.value);
    if (entry.expire_at_ms != 0) {
        char buf[24];
        append_resp_command(out, {"PEXPIREAT", key, format_int64(entry.expire_at_ms, buf)});
    }
}

void append_shard_snapshot(std::string& out, Shard& shard, std::int64_t now_ms) {
    for (std::size_t db = 0; db < shard.dbs.size(); ++db) {
        const Keyspace& keys = shard.dbs[db];
        if (keys.size() == 0) continue;
        char buf[24];
        append_resp_command(out, {"SELECT", format_int64(static_cast<std::int64_t>(db), buf)});
        keys.dict().for_each([&](std::string_view key, const Entry& entry) {
            if (!is_expired(entry, now_ms)) append_key(out, key, entry);
        });
    }
}

}  // namespace corokv

#include "config/config.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/keyspace_events.hpp"

namespace corokv {
namespace {

using outcome::success;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Redis's string2ll: no '+', no leading zeros, no "-0", no spaces.
bool canonical_integer(std::string_view s) {
    const std::string_view digits = !s.empty() && s[0] == '-' ? s.substr(1) : s;
    if (digits.empty() || (digits[0] == '0' && s.size() > 1)) return false;
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::int64_t> parse_int(std::string_view s) {
    if (!canonical_integer(s)) return fail(("argument couldn't be parsed into an integer"));
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
        return fail(("argument couldn't be parsed into an integer"));
    return v;
}

Result<std::int64_t> parse_int_in(std::string_view s, std::int64_t lo, std::int64_t hi) {
    auto v = parse_int(s);
    if (!v) return v;
    if (v.value() < lo || v.value() > hi)
        return fail("argument must be between " + std::to_string(lo) + " and " +
                       std::to_string(hi) + " inclusive");
    return v;
}

Result<std::int64_t> parse_memory_at_least(std::string_view s, std::int64_t lo) {
    auto v = parse_memory(s);
    if (!v) return v;
    if (v.value() < lo)
        return fail("argument must be between " + std::to_string(lo) + " and " +
                    std::to_string(INT64_MAX) + " inclusive");
    return v;
}

// One row per setting: how to read it and how to change it. Adding a setting is adding a row.
struct Param {
    std::string_view name;
    bool mutable_at_runtime;
    std::function<std::string(const Config&)> get;
    std::function<Result<void>(Config&, std::string_view)> set;
};

template <class Field>
Param int_param(std::string_view name, bool mut, Field Config::*field, std::int64_t lo,
                std::int64_t hi) {
    return Param{
        name, mut,
        [field](const Config& c) { return std::to_string(static_cast<std::int64_t>(c.*field)); },
        [field, lo, hi](Config& c, std::string_view v) -> Result<void> {
            auto n = parse_int_in(v, lo, hi);
            if (!n) return fail(n.error().message);
            c.*field = static_cast<int>(n.value());
            return success();
        }};
}

Param atomic_memory_param(std::string_view name, std::atomic<std::int64_t> Config::*field,
                          std::int64_t lo) {
    return Param{name, true,
                 [field](const Config& c) { return std::to_string((c.*field).load()); },
                 [field, lo](Config& c, std::string_view v) -> Result<void> {
                     auto n = parse_memory_at_least(v, lo);
                     if (!n) return fail(n.error().message);
                     (c.*field).store(n.value());
                     return success();
                 }};
}

Param string_param(std::string_view name, std::string Config::*field) {
    return Param{name, false, [field](const Config& c) { return c.*field; },
                 [field](Config& c, std::string_view v) -> Result<void> {
                     c.*field = std::string(v);
                     return success();
                 }};
}

Param atomic_int64_param(std::string_view name, std::atomic<std::int64_t> Config::*field, std::int64_t lo,
                         std::int64_t hi) {
    return Param{name, true, [field](const Config& c) { return std::to_string((c.*field).load()); },
                 [field, lo, hi](Config& c, std::string_view v) -> Result<void> {
                     auto n = parse_int_in(v, lo, hi);
                     if (!n) return fail(n.error().message);
                     (c.*field).store(n.value());
                     return success();
                 }};
}

Param atomic_int_param(std::string_view name, std::atomic<int> Config::*field, std::int64_t lo, std::int64_t hi) {
    return Param{name, true, [field](const Config& c) { return std::to_string((c.*field).load()); },
                 [field, lo, hi](Config& c, std::string_view v) -> Result<void> {
                     auto n = parse_int_in(v, lo, hi);
                     if (!n) return fail(n.error().message);
                     (c.*field).store(static_cast<int>(n.value()));
                     return success();
                 }};
}

// Redis's memtoull, quirks included since CONFIG GET shows the result: digits then an
// optional unit; no digits means 0 ("mb" is 0), a too long number saturates at 2^64-1 and
// the unit multiplication wraps modulo 2^64.
Result<std::uint64_t> parse_maxmemory(std::string_view s) {
    s = s.substr(0, s.find('\0'));
    const std::size_t digits = std::find_if(s.begin(), s.end(), [](char c) { return c < '0' || c > '9'; }) - s.begin();
    const std::string unit = lower(s.substr(digits));
    static constexpr std::pair<std::string_view, std::uint64_t> units[] = {
        {"", 1}, {"b", 1}, {"k", 1000}, {"kb", 1024}, {"m", 1000000}, {"mb", 1 << 20},
        {"g", 1000000000}, {"gb", 1 << 30}};
    const auto* u = std::find_if(std::begin(units), std::end(units), [&](const auto& x) { return x.first == unit; });
    if (u == std::end(units) || digits >= 128) return fail("argument must be a memory value");
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + digits, value);
    (void)end;
    if (ec == std::errc::result_out_of_range) value = UINT64_MAX;
    return value * u->second;
}

// "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60": any number of
// <class> <hard> <soft> <soft seconds> groups; all are checked before any is applied.
Param output_buffer_limit_param() {
    static constexpr std::string_view kClassNames[] = {"normal", "slave", "pubsub"};
    return Param{
        "client-output-buffer-limit", true,
        [](const Config& c) {
            std::string out;
            for (std::size_t i = 0; i < 3; ++i) {
                const OutputBufferLimit& l = c.output_buffer_limits[i];
                if (i) out += ' ';
                out += std::string(kClassNames[i]) + " " + std::to_string(l.hard.load()) + " " +
                       std::to_string(l.soft.load()) + " " + std::to_string(l.soft_seconds.load());
            }
            return out;
        },
        [](Config& c, std::string_view v) -> Result<void> {
            std::vector<std::string> words;
            std::istringstream in{std::string(v)};
            for (std::string w; in >> w;) words.push_back(w);
            if (words.size() % 4 != 0) return fail("Wrong number of arguments in buffer limit configuration.");
            struct Parsed {
                std::size_t cls;
                std::uint64_t hard, soft;
                std::int64_t seconds;
            };
            std::vector<Parsed> parsed;
            for (std::size_t i = 0; i < words.size(); i += 4) {
                const std::string name = lower(words[i]);
                std::size_t cls = 0;
                if (name == "normal") cls = 0;
                else if (name == "slave" || name == "replica") cls = 1;
                else if (name == "pubsub") cls = 2;
                else return fail("Invalid client class specified in buffer limit configuration.");
                auto hard = parse_memory(words[i + 1]);
                auto soft = parse_memory(words[i + 2]);
                auto seconds = parse_int_in(words[i + 3], 0, INT64_MAX);
                if (!hard || !soft || !seconds || hard.value() < 0 || soft.value() < 0)
                    return fail("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
                parsed.push_back({cls, static_cast<std::uint64_t>(hard.value()),
                                  static_cast<std::uint64_t>(soft.value()), seconds.value()});
            }
            for (const Parsed& p : parsed) {
                OutputBufferLimit& l = c.output_buffer_limits[p.cls];
                l.hard = p.hard;
                l.soft = p.soft;
                l.soft_seconds = p.seconds;
            }
            return success();
        }};
}

Param maxmemory_policy_param() {
    return Param{"maxmemory-policy", true,
                 [](const Config& c) { return std::string(eviction_policy_name(c.maxmemory_policy.load())); },
                 [](Config& c, std::string_view v) -> Result<void> {
                     auto policy = parse_eviction_policy(v.substr(0, v.find('\0')));  // C string compare
                     if (!policy)
                         return fail("argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                                     "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                                     "noeviction");
                     c.maxmemory_policy.store(*policy);
                     return success();
                 }};
}

Param notify_keyspace_events_param() {
    return Param{"notify-keyspace-events", true,
                 [](const Config& c) { return keyspace_events::format(c.notify_keyspace_events.load()); },
                 [](Config& c, std::string_view v) -> Result<void> {
                     const std::optional<int> flags = keyspace_events::parse(v);
                     if (!flags) return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                     c.notify_keyspace_events.store(*flags);
                     return success();
                 }};
}

// Redis's bool configs: yes/no, case-insensitive.
Param atomic_bool_param(std::string_view name, std::atomic<bool> Config::*field) {
    return Param{name, true, [field](const Config& c) { return std::string((c.*field).load() ? "yes" : "no"); },
                 [field](Config& c, std::string_view v) -> Result<void> {
                     const std::string l = lower(v);
                     if (l != "yes" && l != "no") return fail("argument must be 'yes' or 'no'");
                     (c.*field).store(l == "yes");
                     return success();
                 }};
}

// appendfilename / appenddirname: a plain name inside dir, fixed at start-up.
Param file_name_param(std::string_view name, std::string Config::*field) {
    return Param{name, false, [field](const Config& c) { return c.*field; },
                 [name, field](Config& c, std::string_view v) -> Result<void> {
                     if (v.empty() || v.find('/') != std::string_view::npos || v == "." || v == "..")
                         return fail(std::string(name) + " can't be a path, just a filename");
                     c.*field = std::string(v);
                     return success();
                 }};
}

Param appendfsync_param() {
    static constexpr std::string_view kNames[] = {"always", "everysec", "no"};
    return Param{"appendfsync", true,
                 [](const Config& c) { return std::string(kNames[static_cast<int>(c.appendfsync.load())]); },
                 [](Config& c, std::string_view v) -> Result<void> {
                     const std::string l = lower(v);
                     for (int i = 0; i < 3; ++i)
                         if (kNames[i] == l) {
                             c.appendfsync.store(static_cast<AppendFsync>(i));
                             return success();
                         }
                     return fail("argument(s) must be one of the following: always, everysec, no");
                 }};
}

// A setting Redis has that corokv reports truthfully but cannot change yet.
Param fixed_param(std::string_view name, std::string_view value) {
    return Param{name, false, [value](const Config&) { return std::string(value); },
                 [name, value](Config&, std::string_view v) -> Result<void> {
                     if (lower(v) == value) return success();
                     return fail(std::string(name) + " only supports '" + std::string(value) +
                                    "' in this version");
                 }};
}

const std::vector<Param>& params() {
    static const std::vector<Param> table = {
        string_param("bind", &Config::bind),
        int_param("port", false, &Config::port, 0, 65535),
        int_param("threads", false, &Config::threads, 0, 256),
        Param{"shards", false, [](const Config& c) { return std::to_string(c.shards); },
              [](Config& c, std::string_view v) -> Result<void> {
                  auto n = parse_int_in(v, 1, 4096);
                  if (!n) return fail(n.error().message);
                  if (!std::has_single_bit(static_cast<std::uint64_t>(n.value())))
                      return fail(("argument must be a power of two"));
                  c.shards = static_cast<int>(n.value());
                  return success();
              }},
        int_param("databases", false, &Config::databases, 1, 1 << 20),
        string_param("dir", &Config::dir),
        string_param("logfile", &Config::logfile),
        Param{"loglevel", true,
              [](const Config& c) { return std::string(Config::kLogLevels[c.loglevel.load()]); },
              [](Config& c, std::string_view v) -> Result<void> {
                  std::string l = lower(v);
                  for (int i = 0; i < static_cast<int>(std::size(Config::kLogLevels)); ++i)
                      if (Config::kLogLevels[i] == l) {
                          c.loglevel = i;
                          return success();
                      }
                  return fail(std::string("argument(s) must be one of the following: debug, verbose, notice, warning"));
              }},
        Param{"maxclients", true, [](const Config& c) { return std::to_string(c.maxclients.load()); },
              [](Config& c, std::string_view v) -> Result<void> {
                  auto n = parse_int_in(v, 1, 4294967295LL);
                  if (!n) return fail(n.error().message);
                  c.maxclients = n.value();
                  return success();
              }},
        Param{"requirepass", true, [](const Config& c) { return c.requirepass(); },
              [](Config& c, std::string_view v) -> Result<void> {
                  c.set_requirepass(std::string(v));
                  return success();
              }},
        atomic_int64_param("timeout", &Config::timeout, 0, INT32_MAX),
        atomic_int64_param("tcp-keepalive", &Config::tcp_keepalive, 0, INT32_MAX),
        atomic_int64_param("slowlog-log-slower-than", &Config::slowlog_log_slower_than, -1, INT64_MAX),
        atomic_int64_param("slowlog-max-len", &Config::slowlog_max_len, 0, INT64_MAX),
        atomic_memory_param("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024),
        atomic_memory_param("client-query-buffer-limit", &Config::client_query_buffer_limit,
                            1024 * 1024),
        Param{"hz", true, [](const Config& c) { return std::to_string(c.hz.load()); },
              [](Config& c, std::string_view v) -> Result<void> {
                  auto n = parse_int_in(v, 0, INT32_MAX);
                  if (!n) return fail(n.error().message);
                  // Redis accepts 0..INT_MAX, then clamps what it uses into 1..500.
                  c.hz = static_cast<int>(std::clamp<std::int64_t>(n.value(), 1, 500));
                  return success();
              }},
        Param{"maxmemory", true, [](const Config& c) { return std::to_string(c.maxmemory.load()); },
              [](Config& c, std::string_view v) -> Result<void> {
                  auto n = parse_maxmemory(v);
                  if (!n) return fail(n.error().message);
                  c.maxmemory.store(n.value());
                  return success();
              }},
        maxmemory_policy_param(),
        notify_keyspace_events_param(),
        atomic_int_param("maxmemory-samples", &Config::maxmemory_samples, 1, INT32_MAX),
        atomic_int_param("maxmemory-eviction-tenacity", &Config::maxmemory_eviction_tenacity, 0, 100),
        atomic_int_param("lfu-log-factor", &Config::lfu_log_factor, 0, INT32_MAX),
        atomic_int_param("lfu-decay-time", &Config::lfu_decay_time, 0, INT32_MAX),
        fixed_param("save", ""),
        output_buffer_limit_param(),
        atomic_bool_param("appendonly", &Config::appendonly),
        file_name_param("appendfilename", &Config::appendfilename),
        file_name_param("appenddirname", &Config::appenddirname),
        appendfsync_param(),
        atomic_bool_param("aof-load-truncated", &Config::aof_load_truncated),
        atomic_bool_param("aof-rewrite-incremental-fsync", &Config::aof_rewrite_incremental_fsync),
        atomic_int_param("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 0, INT32_MAX),
        atomic_memory_param("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0),
        // The AOF is plain RESP (no RDB): readable by redis-check-aof and any Redis 7.
        fixed_param("aof-use-rdb-preamble", "no"),
    };
    return table;
}

const Param* find_param(std::string_view name) {
    std::string l = lower(name);
    for (const Param& p : params())
        if (p.name == l) return &p;
    return nullptr;
}

// JSON values may be written naturally ("port": 7000, "appendonly": false, "maxmemory": "64mb").
Result<std::string> json_scalar_to_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return std::string(v.get<bool>() ? "yes" : "no");
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
    return fail(("expected a string, number or boolean"));
}

}  // namespace

Result<std::int64_t> parse_memory(std::string_view s) {
    std::string l = lower(s);
    std::int64_t mul = 1;
    auto ends_with = [&](std::string_view suf) {
        return l.size() > suf.size() && l.compare(l.size() - suf.size(), suf.size(), suf) == 0;
    };
    struct Unit {
        std::string_view suffix;
        std::int64_t mul;
    };
    static constexpr Unit units[] = {{"gb", 1LL << 30}, {"mb", 1LL << 20}, {"kb", 1LL << 10},
                                     {"g", 1000000000}, {"m", 1000000},    {"k", 1000},
                                     {"b", 1}};
    for (const Unit& u : units)
        if (ends_with(u.suffix)) {
            mul = u.mul;
            l.resize(l.size() - u.suffix.size());
            break;
        }
    auto n = parse_int(l);
    if (!n || n.value() < 0) return fail(("argument must be a memory value"));
    if (n.value() > INT64_MAX / mul) return fail(("argument must be a memory value"));
    return n.value() * mul;
}

Config::Config() {
    // Redis's defaults: normal clients unlimited, replicas 256mb/64mb/60, pubsub 32mb/8mb/60.
    auto set_limit = [this](ClientClass cls, std::uint64_t hard, std::uint64_t soft, std::int64_t seconds) {
        OutputBufferLimit& l = output_buffer_limits[static_cast<std::size_t>(cls)];
        l.hard = hard;
        l.soft = soft;
        l.soft_seconds = seconds;
    };
    set_limit(ClientClass::replica, 256ULL << 20, 64ULL << 20, 60);
    set_limit(ClientClass::pubsub, 32ULL << 20, 8ULL << 20, 60);
}

std::string Config::requirepass() const {
    std::lock_guard lock(strings_mutex_);
    return requirepass_;
}

void Config::set_requirepass(std::string pw) {
    std::lock_guard lock(strings_mutex_);
    requirepass_ = std::move(pw);
}

Result<void> Config::set(std::string_view name, std::string_view value, bool at_runtime) {
    const Param* p = find_param(name);
    if (!p) return fail("unknown configuration key '" + std::string(name) + "'");
    if (at_runtime && !p->mutable_at_runtime) return fail(("can't set immutable config"));
    auto r = p->set(*this, value);
    if (!r) return fail(r.error().message);
    return success();
}

Result<std::string> Config::get(std::string_view name) const {
    const Param* p = find_param(name);
    if (!p) return fail("unknown configuration key '" + std::string(name) + "'");
    return p->get(*this);
}

std::vector<std::string_view> Config::names() {
    std::vector<std::string_view> out;
    for (const Param& p : params()) out.push_back(p.name);
    return out;
}

Result<void> Config::load_json_text(std::string_view text) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return fail(("invalid JSON"));
    if (!doc.is_object()) return fail(("the top level must be a JSON object"));
    for (const auto& [key, v] : doc.items()) {
        auto text_value = json_scalar_to_text(v);
        if (!text_value) return fail("config key '" + key + "': " + text_value.error().message);
        auto r = set(key, text_value.value());
        if (!r) return fail("config key '" + key + "': " + r.error().message);
    }
    return success();
}

Result<void> Config::load_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail("cannot open config file '" + path + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = load_json_text(ss.str());
    if (!r) return fail(path + ": " + r.error().message);
    return success();
}

Result<void> Config::validate() const {
    if (bind.empty()) return fail(("config key 'bind': must not be empty"));
    return success();
}

int Config::effective_threads() const {
    if (threads > 0) return threads;
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

std::string usage_text() {
    std::string s =
        "Usage: corokv-server [--config FILE] [--<name> <value> ...]\n"
        "       corokv-server --help | --version\n\n"
        "A Redis-compatible in-memory data server.\n\n"
        "  --config FILE   load settings from a JSON object of name -> value\n"
        "  --<name> VALUE  set one setting; overrides the config file\n\n"
        "Settings (Redis names and value formats):\n";
    Config defaults;
    for (std::string_view n : Config::names()) {
        auto v = defaults.get(n);
        s += "  --" + std::string(n) + " (default: \"" + (v ? v.value() : "") + "\")\n";
    }
    s += "\nExample: corokv-server --port 7000 --threads 2 --dir /var/lib/corokv\n";
    return s;
}

Result<void> apply_command_line(Config& config, std::span<const std::string_view> args) {
    // The file first, wherever --config appears, so flags always override it.
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config") {
            if (i + 1 >= args.size()) return fail(("--config needs a file name"));
            auto r = config.load_json_file(std::string(args[i + 1]));
            if (!r) return r;
        }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        if (a == "--config") {
            ++i;
            continue;
        }
        if (a.size() < 3 || a.substr(0, 2) != "--")
            return fail("unexpected argument '" + std::string(a) + "' (see --help)");
        std::string_view name = a.substr(2);
        if (i + 1 >= args.size()) return fail("flag '--" + std::string(name) + "' needs a value");
        auto r = config.set(name, args[++i]);
        if (!r) return fail("flag '--" + std::string(name) + "': " + r.error().message);
    }
    return config.validate();
}

}  // namespace corokv

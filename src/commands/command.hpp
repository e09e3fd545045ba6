// What a command is (a row of data in the command table) and what its handler sees (the
// context). Handlers are plain functions: they read arguments, touch the store through the
// context and write their reply; they never see sockets or Asio.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/append_log.hpp"
#include "commands/clients.hpp"
#include "resp/writer.hpp"
#include "store/store.hpp"

namespace corokv {

class ServerState;
struct CommandContext;

// Redis's command flags (COMMAND INFO shows their names).
enum CommandFlag : std::uint32_t {
    kWrite = 1u << 0,
    kReadonly = 1u << 1,
    kDenyOom = 1u << 2,
    kAdmin = 1u << 3,
    kPubsub = 1u << 4,
    kNoscript = 1u << 5,
    kLoading = 1u << 6,     // allowed while loading
    kStale = 1u << 7,
    kFast = 1u << 8,
    kNoAuth = 1u << 9,      // allowed before AUTH
    kSkipSlowlog = 1u << 10,
    kNoMulti = 1u << 11,
    kAllowBusy = 1u << 12,
    kBlocking = 1u << 13,   // may block the client (BLPOP & co.)
    // corokv-specific: the command reads or writes every shard (FLUSHDB, KEYS, SCAN, ...).
    kAllShards = 1u << 20,
    // corokv-specific: runs at once inside MULTI instead of being queued (EXEC, DISCARD,
    // MULTI, WATCH, QUIT, RESET: the list in Redis's processCommand).
    kTxControl = 1u << 21,
    // corokv-specific: allowed while a RESP2 connection is subscribed ((P|S)SUBSCRIBE,
    // (P|S)UNSUBSCRIBE, PING, QUIT, RESET).
    kSubscribedOk = 1u << 22,
    // Redis's may-replicate (not shown by COMMAND INFO in 7.0): not a write, but propagated, so
    // CLIENT PAUSE WRITE holds it too (PUBLISH, SPUBLISH).
    kMayReplicate = 1u << 23,
    // How the command uses its keys, for ACL key permissions (Redis's key-spec flags: a key
    // whose value is read needs %R, one inserted, updated or deleted needs %W). Without these
    // a read-only command reads its keys and a write command reads and writes them.
    kKeysBlind = 1u << 24,      // reads no value (EXISTS, TYPE, STRLEN): any key pattern admits it
    kKeysReadOnly = 1u << 25,   // a write command that reads its other keys (COPY's source, SORT)
    kKeysWriteOnly = 1u << 26,  // writes without reading (LPUSH, DEL, EXPIRE, MSET, SET)
    kDestFirst = 1u << 27,      // the first key is a write-only destination (SINTERSTORE & co.)
    kDestLast = 1u << 28,       // the last of several keys is one (COPY, RENAME, LMOVE, SORT STORE)
    kReadsWithGet = 1u << 29,   // SET: a GET argument reads the key as well
};

// Where the keys are in the argument list, Redis's legacy (first, last, step) triple:
// last < 0 counts from the end (-1 = last argument).
struct KeyRange {
    int first = 0;
    int last = 0;
    int step = 0;
};

using Handler = void (*)(CommandContext&);

// For commands whose keys cannot be described by a KeyRange (a numkeys argument: LMPOP,
// ZUNIONSTORE, SINTERCARD, ...; Redis's "movablekeys"): appends the argument positions of
// the keys to `positions`. Invalid input may yield no keys or positions past the end: the
// dispatcher ignores positions >= args.size() and the handler reports the error.
using KeyFinder = void (*)(std::span<const std::string_view> args, std::vector<std::size_t>& positions);

struct CommandSpec {
    std::string_view name;      // lowercase; for a subcommand, its own name ("id")
    int arity;                  // Redis convention: -N means at least N
    std::uint32_t flags;
    KeyRange keys;
    Handler handler;
    std::string_view group;     // "string", "hash", "generic", "connection", "server"
    std::string_view since;
    std::string_view summary;
    std::string_view complexity;
    std::span<const CommandSpec> subcommands = {};
    KeyFinder find_keys = nullptr;   // set for movable-key commands (keys = {0, 0, 0})
};

// How a blocking command answers when its timeout passes. Redis 7.0 answers a null array for
// every blocking command (BLMOVE and BRPOPLPUSH too); 7.2 answers those two with a null bulk.
enum class TimeoutReply : std::uint8_t { null_array, null_bulk };

struct BlockedClient;  // commands/blocking.hpp

// Marks `client` as the one whose command runs on this thread while the scope lives (scopes
// nest: EXEC's commands, served blocked clients). Keyspace notifications the store raises
// meanwhile (a key its lookup found expired) are that client's to receive in its own reply
// stream, in order with its replies, as in Redis. Defined in keyspace_events.cpp.
class EventPublisherScope {
public:
    EventPublisherScope(ClientSession& client, resp::ReplyWriter& out);
    ~EventPublisherScope();
    EventPublisherScope(const EventPublisherScope&) = delete;
    EventPublisherScope& operator=(const EventPublisherScope&) = delete;

private:
    ClientSession* previous_client_;
    resp::ReplyWriter* previous_out_;
};

// Everything a handler may use. The dispatcher has already locked the shards of every key
// the command names (or all shards for kAllShards commands) before calling the handler.
struct CommandContext {
    std::span<const std::string_view> args;
    resp::ReplyWriter& out;
    Store& store;
    ServerState& server;
    ClientSession& client;
    std::int64_t now_ms;
    const CommandSpec* spec = nullptr;
    // Initialised from the members above, so every context publishes as its client.
    EventPublisherScope event_publisher{client, out};
    // The time deadlines are judged against: now_ms, or 0 while the AOF is replayed, when
    // nothing expires (as in Redis: a key past its deadline may still be written by later
    // commands of the log, and the log holds the DEL that removed it, if any).
    std::int64_t expiry_clock_ms = now_ms;

    // The dispatcher hashed the first key to pick its shard; remembering it saves hashing
    // the same bytes again in the handler (the common single-key case).
    std::string_view hashed_key{};
    std::uint64_t hashed_value = 0;
    std::uint64_t hash_of(std::string_view key) {
        if (key.data() == hashed_key.data() && key.size() == hashed_key.size()) return hashed_value;
        return hash_bytes(key);
    }

    std::size_t argc() const { return args.size(); }
    std::string_view arg(std::size_t i) const { return args[i]; }
    int db() const { return client.db; }

    Keyspace& keyspace(std::uint64_t hash, int db) {
        return store.shard(store.shard_index(hash)).dbs[static_cast<std::size_t>(db)];
    }
    ShardStats& shard_stats(std::uint64_t hash) { return store.shard(store.shard_index(hash)).stats; }

    // Lookup for writing: refreshes the access time, no hit/miss counting.
    Entry* find(std::string_view key) { return find_in(key, db()); }
    Entry* find_in(std::string_view key, int db);
    // Lookup that leaves the access time alone (TYPE, TTL, EXISTS, OBJECT: Redis's NOTOUCH).
    Entry* peek(std::string_view key);
    // Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts a keyspace hit or miss, as every
    // read does, but leaves the access time alone (EXISTS, TYPE, TTL, OBJECT).
    Entry* peek_read(std::string_view key);
    // Lookup for reading: counts keyspace hits/misses and refreshes the access time.
    Entry* find_read(std::string_view key);
    std::pair<Entry*, bool> find_or_create(std::string_view key) { return find_or_create_in(key, db()); }
    std::pair<Entry*, bool> find_or_create_in(std::string_view key, int db);
    bool erase(std::string_view key) { return erase_in(key, db()); }
    bool erase_in(std::string_view key, int db);
    void set_expire(std::string_view key, Entry& e, std::int64_t when_ms);
    // Stores a value, dropping any previous value and TTL (SET semantics without KEEPTTL).
    Entry& overwrite(std::string_view key, Value value);

    // Records an access for LRU/LFU eviction (Redis's updateLFU / LRU clock refresh).
    void touch(Entry& e);

    // Blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...) call this instead of replying when
    // none of their keys has anything to serve. The client then waits until one of `keys`
    // (in the current db) is written or `deadline_ms` (absolute, 0 = forever) passes, and
    // the whole command is run again when a key is ready. Inside MULTI it replies the
    // timeout reply at once, as Redis does. The handler must not reply after calling it.
    // `instead_of_blocking` is the reply when it may not block (inside MULTI).
    void block_on(std::span<const std::string_view> keys, std::int64_t deadline_ms, TimeoutReply on_timeout,
                  TimeoutReply instead_of_blocking = TimeoutReply::null_array);

    // The AOF logs what a write command did. By default that is the command as sent; a
    // handler whose command would not replay to the same result (relative TTLs, randomness,
    // floats, blocking) logs its effect instead with log_as, once per command it stands for,
    // or log_nothing when nothing changed. Both are no-ops while the log is off.
    void log_as(std::span<const std::string_view> command);
    void log_as(std::initializer_list<std::string_view> command) { log_as(std::span(command.begin(), command.size())); }
    void log_nothing() {
        log_replaced = true;
        nothing_changed = true;
    }
    // Whether the reply written since `mark` (out.buffer().size() before) is an error.
    bool replied_error_since(std::size_t mark) const {
        const std::string& b = out.buffer();
        return b.size() > mark && b[mark] == '-';
    }
    bool log_replaced = false;
    bool nothing_changed = false;  // log_nothing: no key was written (WATCH is not touched)
    // Inside EXEC: writes collect here and are logged as one block when the EXEC ends.
    std::vector<LoggedCommand>* transaction_log = nullptr;
    // Logs `command` on this client's db: to the transaction's block, or to the AOF now.
    void append_to_log(std::span<const std::string_view> command);

    // Set by block_on for the dispatcher; handlers do not touch these.
    std::shared_ptr<BlockedClient> blocked{};
    bool may_block = true;     // false while re-running a waiter's command or inside MULTI
    bool would_block = false;  // a re-run found nothing: the waiter keeps waiting
    TimeoutReply timeout_reply = TimeoutReply::null_array;  // with would_block, for MULTI
};

// Redis's exact error texts, shared by every family.
namespace errors {
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kDbOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kLoading = "LOADING Redis is loading the dataset in memory";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
}  // namespace errors

// A client's argument as Redis's "%s"-formatted errors show it: cut at the first NUL byte,
// at most `max` bytes, with CR/LF turned into spaces so the error stays one RESP line.
std::string error_arg(std::string_view arg, std::size_t max = 128);

// A HELP subcommand's reply: one status line per element, as Redis's addReplyHelp.
void reply_help(resp::ReplyWriter& out, std::span<const std::string_view> lines);

// "ERR wrong number of arguments for 'get' command" (subcommands as 'client|id').
void reply_wrong_arity(resp::ReplyWriter& out, std::string_view full_name);

// Redis's addReplySubcommandSyntaxError, for a subcommand given arguments it does not take:
// "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."
void reply_subcommand_syntax_error(CommandContext& c);

}  // namespace corokv

// The append-only log as commands see it. The command layer decides *what* is logged (the
// command, or the effect a handler asked for); src/persistence/aof.* decides how it reaches
// the disk. Plain C++: the interface keeps file I/O and threads out of src/commands/.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corokv {

// What INFO persistence shows about the log.
struct AofStatus {
    bool enabled = false;                 // appendonly yes (logging, or turning on)
    bool rewrite_in_progress = false;
    bool rewrite_scheduled = false;
    std::int64_t last_rewrite_time_sec = -1;
    std::int64_t current_rewrite_time_sec = -1;
    bool last_bgrewrite_ok = true;
    bool last_write_ok = true;
    int last_write_errno = 0;
    std::uint64_t current_size = 0;       // bytes of base + incr files
    std::uint64_t base_size = 0;          // bytes of the base file at the last rewrite
    std::uint64_t buffer_length = 0;      // appended, not yet written
    std::uint64_t pending_bio_fsync = 0;
    std::uint64_t delayed_fsync = 0;
    std::uint64_t rewrites = 0;
    std::uint64_t rewrites_consecutive_failures = 0;
};

// A write an EXEC ran, kept until the transaction ends so it is logged as one block.
struct LoggedCommand {
    int db = 0;
    std::vector<std::string> args;
};

enum class RewriteStart { started, already_running, scheduled };

class AppendLog {
public:
    virtual ~AppendLog() = default;

    // True while commands must be logged. Read on every write: one relaxed load.
    virtual bool logging() const = 0;
    // Appends one executed command on `db`, called while the shards of its keys are locked so
    // the log order is the execution order. Returns the log offset just past it: a client
    // that must not see its reply before the data is on disk waits for that offset.
    virtual std::uint64_t append(int db, std::span<const std::string_view> args) = 0;
    // Appends an EXEC's writes as one unit: MULTI, the commands, EXEC (Redis wraps only
    // transactions of two or more writes; a single one is logged alone). Nothing else lands
    // in between, so a crash cuts off either all of it or none.
    virtual std::uint64_t append_transaction(std::span<const LoggedCommand> commands) = 0;

    // True while a rewrite is taking its shard-by-shard snapshot.
    virtual bool rewriting() const = 0;
    // Before a write runs on these shards (their locks held): puts any shard not yet in the
    // rewrite's snapshot into it first, so the snapshot never includes a write that is also
    // in the new incremental file.
    virtual void snapshot_before_write(std::span<const std::size_t> shard_indices) = 0;

    // BGREWRITEAOF.
    virtual RewriteStart start_rewrite() = 0;
    // CONFIG SET appendonly yes|no: turning on writes a full base first, as Redis does.
    virtual void set_enabled(bool on) = 0;
    // errno of a failed write or fsync while it is unresolved, else 0: write commands are
    // then refused (-MISCONF) rather than acknowledged without being logged.
    virtual int write_error() const = 0;
    virtual AofStatus status() const = 0;

    // For the server layer. A reply for a write logged up to `offset` may have to wait
    // (appendfsync always: until fsynced): returns false when it need not, else `wake` is
    // called from the writer's thread once the reply may go.
    virtual bool wait_durable(std::uint64_t offset, std::function<void()> wake) = 0;
    // Lock-free pre-check for wait_durable: false means the reply can go at once.
    virtual bool must_wait(std::uint64_t offset) const = 0;
    // Periodic work (automatic rewrite, retrying a failed one), from the server's tick.
    virtual void tick(std::int64_t now_ms) = 0;
};

// Redis's reply to write commands while the AOF cannot be written.
std::string misconf_error(int err);

}  // namespace corokv

// The append-only file: Redis 7's multi-part layout (a base file, incremental files and a
// manifest naming them, in `dir/appenddirname/`), written by one writer thread.
//
//   connection threads ──append (under shard locks)──> buffer ──writer thread──> incr file
//                                                                  └─ fdatasync (policy)
//
// Commands append RESP to an in-memory buffer while their shard locks are held, so the log
// order is the execution order. The writer thread takes the whole buffer, writes it and,
// with appendfsync always, fdatasyncs once for everything it took (group commit) before it
// releases the clients waiting for those bytes; everysec fsyncs once a second; no leaves it
// to the OS. Connection threads never touch the disk.
//
// A rewrite (BGREWRITEAOF, the automatic trigger, or turning the AOF on) switches appends to
// a new incr file while every shard is locked for an instant, then snapshots the shards one
// by one into a new base. A write that reaches a shard the snapshot has not visited yet puts
// that shard into the snapshot first (copy on first write, per shard), so the base holds
// each shard exactly as it was before the first write logged in the new incr file. When all
// shards are in, the base is renamed into place and the manifest swapped atomically; old
// files are deleted after. A crash at any moment leaves a manifest naming complete files.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "commands/append_log.hpp"
#include "commands/server_state.hpp"
#include "persistence/manifest.hpp"
#include "store/shard.hpp"

namespace corokv {

class Aof final : public AppendLog, public KeyDeletionObserver {
public:
    explicit Aof(ServerState& state);
    ~Aof() override;
    Aof(const Aof&) = delete;
    Aof& operator=(const Aof&) = delete;

    // Start-up with appendonly yes: replays the files the manifest names (INFO shows the
    // progress, clients get -LOADING meanwhile) or creates an empty set, then starts logging.
    // The error is the message to log before exiting.
    Result<void> load_and_open();
    // Whether load_and_open has files to replay (a manifest exists).
    bool has_log() const;
    // Graceful stop: cancels a rewrite, writes and fsyncs what is buffered, closes the files.
    void shutdown();
    // From the server's tick: automatic rewrite, retries after a failed rewrite.
    void tick(std::int64_t now_ms) override;
    // A reply must wait until the log holds `offset`: fsynced with appendfsync always,
    // written to the kernel otherwise. Returns false when it need not wait; otherwise `wake`
    // is called, from the writer thread, once it may be sent.
    bool wait_durable(std::uint64_t offset, std::function<void()> wake) override;
    bool must_wait(std::uint64_t offset) const override;

    // AppendLog
    bool logging() const override { return logging_.load(std::memory_order_relaxed); }
    std::uint64_t append(int db, std::span<const std::string_view> args) override;
    std::uint64_t append_transaction(std::span<const LoggedCommand> commands) override;
    bool rewriting() const override { return rewriting_.load(std::memory_order_relaxed); }
    void snapshot_before_write(std::span<const std::size_t> shard_indices) override;
    RewriteStart start_rewrite() override;
    void set_enabled(bool on) override;
    int write_error() const override { return write_errno_.load(std::memory_order_relaxed); }
    AofStatus status() const override;

    // KeyDeletionObserver: expired and evicted keys are logged as DEL.
    void key_deleted(int db, std::string_view key, KeyDeletion cause) override;

private:
    struct File;
    struct Segment {
        std::shared_ptr<File> file;
        std::string bytes;
    };
    struct Waiter {
        std::uint64_t offset;
        bool needs_fsync;
        std::function<void()> wake;
    };

    // Whether a reply for `offset` must wait, and for the fsync or only the write.
    bool must_wait(std::uint64_t offset, bool& needs_fsync) const;

    // Writer thread.
    void writer_loop();
    bool write_segments(std::deque<Segment>& work);
    void sync_files(const std::vector<std::shared_ptr<File>>& files, std::uint64_t up_to);
    bool request_background_fsync(const std::vector<std::shared_ptr<File>>& files, std::uint64_t up_to);
    void wait_for_background_fsync();
    void fsync_loop();
    void note_write_error(int err, const char* what);
    void note_write_ok();
    void release_waiters();

    // Files and manifest.
    std::string aof_path(std::string_view name) const;
    Result<std::shared_ptr<File>> create_file(const std::string& name);
    Result<void> persist_manifest(const AofManifest& manifest);
    Result<void> open_fresh_set();
    Result<void> load_files(const AofManifest& manifest);
    void switch_to(std::shared_ptr<File> file);  // append mutex held by the caller
    // The append side's pieces, append mutex held: a SELECT when the db changes, one command,
    // and the bookkeeping after (offset, waking the writer).
    void select_locked(int db);
    void append_locked(int db, std::span<const std::string_view> args);
    std::uint64_t finish_append(std::size_t buffer_size_before);

    // Rewrite.
    void rewrite_main(bool turning_on);
    Result<void> rewrite(bool turning_on);
    Result<void> write_snapshot(int fd, std::uint64_t& written);
    void take_snapshot(std::size_t shard);  // the shard's lock held by the caller
    void finish_rewrite_thread();

    ServerState& state_;
    std::atomic<bool> logging_{false};
    std::atomic<bool> rewriting_{false};
    std::atomic<int> write_errno_{0};

    // Append side, guarded by append_mutex_.
    std::mutex append_mutex_;
    std::condition_variable writer_cv_;
    std::string buffer_;
    std::shared_ptr<File> buffer_file_;
    std::deque<Segment> segments_;  // buffers of files appends moved away from
    int selected_db_ = -1;          // the SELECT in force in buffer_file_
    std::uint64_t appended_ = 0;    // bytes ever appended: log offsets
    std::atomic<std::uint64_t> appended_total_{0};  // appended_, for INFO without the lock
    bool stopping_ = false;

    // Writer thread state shared with readers of INFO and waiters.
    std::thread writer_;
    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> durable_{0};
    std::atomic<std::uint64_t> delayed_fsync_{0};

    // everysec's background fsync thread.
    std::thread fsyncer_;
    mutable std::mutex fsync_mutex_;
    std::condition_variable fsync_cv_;
    std::vector<std::shared_ptr<File>> fsync_files_;
    std::uint64_t fsync_up_to_ = 0;
    bool fsync_busy_ = false;
    bool fsync_stop_ = false;
    std::mutex waiters_mutex_;
    std::vector<Waiter> waiters_;

    // Files, guarded by files_mutex_ (manifest changes are serialized).
    mutable std::mutex files_mutex_;
    AofManifest manifest_;
    std::atomic<std::uint64_t> base_size_{0};
    std::atomic<std::uint64_t> incr_size_{0};   // bytes in the incr files of the manifest

    // Rewrite.
    std::mutex rewrite_mutex_;  // guards rewriter_ and the fields below
    std::thread rewriter_;
    std::atomic<bool> rewrite_running_{false};
    std::atomic<bool> rewrite_cancel_{false};
    std::atomic<bool> rewrite_scheduled_{false};
    std::atomic<bool> last_rewrite_ok_{true};
    std::atomic<std::int64_t> rewrite_started_ms_{0};
    std::atomic<std::int64_t> last_rewrite_time_sec_{-1};
    std::atomic<std::uint64_t> rewrites_{0};
    std::atomic<std::uint64_t> rewrite_failures_{0};
    std::atomic<std::int64_t> last_rewrite_attempt_ms_{0};
    std::vector<std::uint8_t> in_snapshot_;  // per shard, under that shard's lock
    std::mutex chunks_mutex_;
    std::condition_variable chunks_cv_;
    std::deque<std::string> chunks_;         // snapshots of shards taken by writers
};

}  // namespace corokv

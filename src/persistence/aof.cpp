#include "persistence/aof.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "persistence/aof_encode.hpp"
#include "persistence/aof_loader.hpp"
#include "server/log.hpp"
#include "store/store.hpp"

namespace corokv {
namespace {

using namespace std::chrono_literals;

std::string errno_text(int err) { return std::strerror(err); }

// write(2) until everything is out; returns 0 or the errno of the failure, with `done`
// telling how much of `data` reached the file.
int write_fully(int fd, std::string_view data, std::size_t& done) {
    done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        done += static_cast<std::size_t>(n);
    }
    return 0;
}

int fsync_directory(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return errno;
    const int rc = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return rc;
}

std::uint64_t file_size(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

std::string human_mb(std::uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MB"; }

// A file read whole through mmap (AOF files can be gigabytes: no copy into the heap).
class MappedFile {
public:
    explicit MappedFile(const std::string& path) {
        fd_ = ::open(path.c_str(), O_RDONLY);
        if (fd_ < 0) {
            error_ = errno;
            return;
        }
        struct stat st {};
        if (::fstat(fd_, &st) != 0) {
            error_ = errno;
            return;
        }
        size_ = static_cast<std::size_t>(st.st_size);
        if (size_ == 0) return;
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
        if (p == MAP_FAILED) {
            error_ = errno;
            return;
        }
        ::madvise(p, size_, MADV_SEQUENTIAL);
        data_ = static_cast<const char*>(p);
    }
    ~MappedFile() {
        if (data_) ::munmap(const_cast<char*>(data_), size_);
        if (fd_ >= 0) ::close(fd_);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    int error() const { return error_; }
    std::string_view bytes() const { return {data_, data_ ? size_ : 0}; }

private:
    int fd_ = -1;
    int error_ = 0;
    const char* data_ = nullptr;
    std::size_t size_ = 0;
};

// Under everysec/no the writer runs as SCHED_BATCH: woken, it does not preempt the connection
// thread that woke it (CFS wake-up preemption), so on a shared core that thread finishes its
// run of clients first and the writer takes all their appends in one write (measured: +8% SET/s,
// +10% per CPU-second). Under always the fsync latency dominates and a writer that waits for its
// turn only adds to it (measured: SET/s down to a third), so it stays SCHED_OTHER.
void follow_policy_in_scheduling(AppendFsync policy, bool& batch) {
    const bool want_batch = policy != AppendFsync::always;
    if (want_batch == batch) return;
    sched_param param{};
    if (pthread_setschedparam(pthread_self(), want_batch ? SCHED_BATCH : SCHED_OTHER, &param) == 0) batch = want_batch;
}

}  // namespace

// An open AOF file. Closed when the last segment or owner lets go of it.
struct Aof::File {
    File(int fd, std::string name) : fd(fd), name(std::move(name)) {}
    ~File() {
        if (fd >= 0) ::close(fd);
    }
    int fd;
    std::string name;
};

Aof::Aof(ServerState& state) : state_(state) {
    in_snapshot_.assign(state.store.shard_count(), 1);
    writer_ = std::thread([this] { writer_loop(); });
    fsyncer_ = std::thread([this] { fsync_loop(); });
}

Aof::~Aof() { shutdown(); }

// --- append side (connection threads, shard locks held) ------------------------------------

std::uint64_t Aof::append(int db, std::span<const std::string_view> args) {
    std::lock_guard lock(append_mutex_);
    const std::size_t before = buffer_.size();
    append_locked(db, args);
    return finish_append(before);
}

std::uint64_t Aof::append_transaction(std::span<const LoggedCommand> commands) {
    std::lock_guard lock(append_mutex_);
    const std::size_t before = buffer_.size();
    // As Redis: a lone write is logged alone; the SELECT for the first one goes before MULTI.
    const bool wrap = commands.size() > 1;
    std::vector<std::string_view> args;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        args.assign(commands[i].args.begin(), commands[i].args.end());
        if (i == 0 && wrap) {
            select_locked(commands[i].db);
            append_resp_command(buffer_, {"MULTI"});
        }
        append_locked(commands[i].db, args);
    }
    if (wrap) append_resp_command(buffer_, {"EXEC"});
    return finish_append(before);
}

void Aof::select_locked(int db) {
    if (db == selected_db_) return;
    char buf[24];
    append_resp_command(buffer_, {"SELECT", format_int64(db, buf)});
    selected_db_ = db;
}

void Aof::append_locked(int db, std::span<const std::string_view> args) {
    select_locked(db);
    append_resp_command(buffer_, args);
}

std::uint64_t Aof::finish_append(std::size_t buffer_size_before) {
    appended_ += buffer_.size() - buffer_size_before;
    appended_total_.store(appended_, std::memory_order_relaxed);
    if (buffer_size_before == 0) writer_cv_.notify_one();
    return appended_;
}

void Aof::key_deleted(int db, std::string_view key, KeyDeletion) {
    if (!logging()) return;
    append(db, std::initializer_list<std::string_view>{"DEL", key});
}

void Aof::switch_to(std::shared_ptr<File> file) {
    if (!buffer_.empty()) segments_.push_back(Segment{buffer_file_, std::move(buffer_)});
    buffer_.clear();
    buffer_file_ = std::move(file);
    selected_db_ = -1;
}

bool Aof::must_wait(std::uint64_t offset, bool& needs_fsync) const {
    if (offset == 0) return false;
    // always: until fsynced. everysec/no: until written to the kernel, as Redis writes before
    // it replies, so a crash of the process alone never loses an acknowledged write.
    needs_fsync = state_.config.appendfsync.load(std::memory_order_relaxed) == AppendFsync::always;
    return (needs_fsync ? durable_.load() : written_.load()) < offset;
}

bool Aof::must_wait(std::uint64_t offset) const {
    bool needs_fsync = false;
    return must_wait(offset, needs_fsync);
}

bool Aof::wait_durable(std::uint64_t offset, std::function<void()> wake) {
    bool needs_fsync = false;
    if (!must_wait(offset, needs_fsync)) return false;
    // Checked again under the waiters' lock: the writer releases waiters under it.
    std::lock_guard lock(waiters_mutex_);
    if (!must_wait(offset, needs_fsync)) return false;
    waiters_.push_back(Waiter{offset, needs_fsync, std::move(wake)});
    return true;
}

// --- writer thread ------------------------------------------------------------------------------

void Aof::writer_loop() {
    using clock = std::chrono::steady_clock;
    bool batch_scheduled = false;
    std::deque<Segment> work;
    auto last_fsync = clock::now();
    std::vector<std::shared_ptr<File>> unsynced;  // files written since their last fsync
    for (;;) {
        std::uint64_t end = 0;
        bool stop = false;
        follow_policy_in_scheduling(state_.config.appendfsync.load(std::memory_order_relaxed), batch_scheduled);
        {
            std::unique_lock lock(append_mutex_);
            // A failed write is retried once a second; otherwise wake on data or every second
            // (everysec's fsync).
            writer_cv_.wait_for(lock, 1s, [&] {
                return stopping_ || (work.empty() && (!buffer_.empty() || !segments_.empty()));
            });
            if (!buffer_.empty()) {
                segments_.push_back(Segment{buffer_file_, std::move(buffer_)});
                buffer_.clear();
            }
            for (Segment& s : segments_) work.push_back(std::move(s));
            segments_.clear();
            end = appended_;
            stop = stopping_;
        }
        for (const Segment& s : work)
            if (std::find(unsynced.begin(), unsynced.end(), s.file) == unsynced.end()) unsynced.push_back(s.file);
        if (!write_segments(work)) {
            if (stop) break;  // shutting down with a broken disk: nothing more to do
            continue;
        }
        written_.store(end);
        const AppendFsync policy = state_.config.appendfsync.load(std::memory_order_relaxed);
        if (stop) {
            wait_for_background_fsync();
            sync_files(unsynced, end);
        } else if (policy == AppendFsync::always) {
            // Group commit: one fdatasync for everything taken above, however many clients.
            if (!unsynced.empty()) sync_files(unsynced, end);
            if (write_error() == 0) unsynced.clear();
        } else if (policy == AppendFsync::everysec && !unsynced.empty() && clock::now() - last_fsync >= 1s) {
            if (request_background_fsync(unsynced, end)) {
                unsynced.clear();
                last_fsync = clock::now();
            }
        }
        release_waiters();
        if (stop) break;
    }
}

bool Aof::write_segments(std::deque<Segment>& work) {
    while (!work.empty()) {
        Segment& s = work.front();
        if (!s.file) {  // appended while no file was open (cannot happen while logging)
            work.pop_front();
            continue;
        }
        std::size_t done = 0;
        const int err = write_fully(s.file->fd, s.bytes, done);
        incr_size_.fetch_add(done);
        if (err != 0) {
            s.bytes.erase(0, done);  // the rest is retried: never acknowledged meanwhile
            note_write_error(err, "writing to");
            return false;
        }
        work.pop_front();
    }
    note_write_ok();
    return true;
}

void Aof::sync_files(const std::vector<std::shared_ptr<File>>& files, std::uint64_t up_to) {
    int err = 0;
    for (const auto& f : files)
        if (::fdatasync(f->fd) != 0) err = errno;
    if (err != 0) {
        note_write_error(err, "fsync of");
        return;
    }
    std::uint64_t seen = durable_.load();
    while (seen < up_to && !durable_.compare_exchange_weak(seen, up_to)) {
    }
}

// everysec: the fsync runs on its own thread (Redis's bio), so a slow disk delays neither the
// writes nor the replies. If the previous fsync is still running, this one is skipped and
// counted (INFO aof_delayed_fsync); the files stay due for the next second.
bool Aof::request_background_fsync(const std::vector<std::shared_ptr<File>>& files, std::uint64_t up_to) {
    std::lock_guard lock(fsync_mutex_);
    if (fsync_busy_) {
        delayed_fsync_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    fsync_files_ = files;
    fsync_up_to_ = up_to;
    fsync_busy_ = true;
    fsync_cv_.notify_one();
    return true;
}

void Aof::wait_for_background_fsync() {
    std::unique_lock lock(fsync_mutex_);
    fsync_cv_.wait(lock, [&] { return !fsync_busy_; });
}

void Aof::fsync_loop() {
    std::unique_lock lock(fsync_mutex_);
    for (;;) {
        fsync_cv_.wait(lock, [&] { return fsync_busy_ || fsync_stop_; });
        if (!fsync_busy_ && fsync_stop_) return;
        auto files = std::move(fsync_files_);
        const std::uint64_t up_to = fsync_up_to_;
        lock.unlock();
        sync_files(files, up_to);
        files.clear();  // may close files appends moved away from
        lock.lock();
        fsync_busy_ = false;
        fsync_cv_.notify_all();
    }
}

void Aof::note_write_error(int err, const char* what) {
    if (write_errno_.exchange(err) == 0)
        log_message(LogLevel::warning, std::string("Error ") + what + " the AOF file: " + errno_text(err) +
                                           ". Write commands are refused until it succeeds again.");
}

void Aof::note_write_ok() {
    if (write_errno_.exchange(0) != 0)
        log_message(LogLevel::warning, "AOF write error looks solved, Redis can write again.");
}

void Aof::release_waiters() {
    std::vector<Waiter> ready;
    {
        std::lock_guard lock(waiters_mutex_);
        if (waiters_.empty()) return;
        const std::uint64_t synced = durable_.load(), written = written_.load();
        std::erase_if(waiters_, [&](Waiter& w) {
            if ((w.needs_fsync ? synced : written) < w.offset) return false;
            ready.push_back(std::move(w));
            return true;
        });
    }
    for (Waiter& w : ready) w.wake();
}

// --- files and manifest -------------------------------------------------------------------------

std::string Aof::aof_path(std::string_view name) const {
    return state_.config.appenddirname + "/" + std::string(name);
}

Result<std::shared_ptr<Aof::File>> Aof::create_file(const std::string& name) {
    const std::string path = aof_path(name);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return fail("Can't open the append-only file " + name + ": " + errno_text(errno));
    return std::make_shared<File>(fd, name);
}

// Redis's persistAof­Manifest: a temp file, fsync, rename over the manifest, fsync the dir.
Result<void> Aof::persist_manifest(const AofManifest& manifest) {
    const std::string name = state_.config.appendfilename + ".manifest";
    const std::string temp = aof_path("temp-" + name);
    const std::string text = format_manifest(manifest);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail("Can't open the AOF manifest file " + temp + ": " + errno_text(errno));
    std::size_t done = 0;
    int err = write_fully(fd, text, done);
    if (err == 0 && ::fsync(fd) != 0) err = errno;
    ::close(fd);
    if (err == 0 && ::rename(temp.c_str(), aof_path(name).c_str()) != 0) err = errno;
    if (err == 0) err = fsync_directory(state_.config.appenddirname);
    if (err != 0) {
        ::unlink(temp.c_str());
        return fail("Can't persist the AOF manifest file " + name + ": " + errno_text(err));
    }
    return outcome::success();
}

// No AOF yet: an empty base, an empty incr file and a manifest naming both (Redis 7 does the
// same on a first start with appendonly yes).
Result<void> Aof::open_fresh_set() {
    const std::string& prefix = state_.config.appendfilename;
    AofManifest manifest;
    manifest.files.push_back({aof_file_name(prefix, 1, AofFileInfo::Type::base), 1, AofFileInfo::Type::base});
    manifest.files.push_back({aof_file_name(prefix, 1, AofFileInfo::Type::incr), 1, AofFileInfo::Type::incr});
    for (const AofFileInfo& f : manifest.files) {
        const int fd = ::open(aof_path(f.name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) return fail("Can't create the append-only file " + f.name + ": " + errno_text(errno));
        ::fsync(fd);
        ::close(fd);
        log_message(LogLevel::notice, std::string("Creating AOF ") +
                                          (f.type == AofFileInfo::Type::base ? "base" : "incr") + " file " +
                                          f.name + " on server start");
    }
    if (auto r = persist_manifest(manifest); !r) return r;
    auto incr = create_file(manifest.incrs().back()->name);
    if (!incr) return fail(incr.error().message);
    std::lock_guard files(files_mutex_);
    manifest_ = std::move(manifest);
    base_size_ = 0;
    incr_size_ = 0;
    std::lock_guard lock(append_mutex_);
    switch_to(std::move(incr).value());
    logging_ = true;
    return outcome::success();
}

bool Aof::has_log() const {
    return ::access(aof_path(state_.config.appendfilename + ".manifest").c_str(), F_OK) == 0;
}

Result<void> Aof::load_and_open() {
    const std::string& dir = state_.config.appenddirname;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return fail("Can't create the append-only dir " + dir + ": " + errno_text(errno));
    const std::string manifest_name = state_.config.appendfilename + ".manifest";
    const std::string manifest_path = aof_path(manifest_name);
    if (::access(manifest_path.c_str(), F_OK) != 0) return open_fresh_set();

    MappedFile text(manifest_path);
    if (text.error() != 0) return fail("Can't open the AOF manifest " + manifest_path + ": " + errno_text(text.error()));
    auto manifest = parse_manifest(text.bytes());
    if (!manifest) return fail(manifest.error().message);
    if (auto r = load_files(manifest.value()); !r) return r;

    // Appends go on at the end of the last incr file (a new one if the manifest has none).
    AofManifest m = std::move(manifest).value();
    if (m.incrs().empty()) {
        const std::int64_t seq = m.next_incr_seq();
        m.files.push_back({aof_file_name(state_.config.appendfilename, seq, AofFileInfo::Type::incr), seq,
                           AofFileInfo::Type::incr});
        auto created = create_file(m.files.back().name);
        if (!created) return fail(created.error().message);
        if (auto r = persist_manifest(m); !r) return r;
    }
    auto incr = create_file(m.incrs().back()->name);
    if (!incr) return fail(incr.error().message);
    std::lock_guard files(files_mutex_);
    base_size_ = m.base() ? file_size(aof_path(m.base()->name)) : 0;
    std::uint64_t incr_bytes = 0;
    for (const AofFileInfo* f : m.incrs()) incr_bytes += file_size(aof_path(f->name));
    incr_size_ = incr_bytes;
    manifest_ = std::move(m);
    std::lock_guard lock(append_mutex_);
    switch_to(std::move(incr).value());
    logging_ = state_.config.appendonly.load();  // CONFIG SET appendonly no while loading
    return outcome::success();
}

Result<void> Aof::load_files(const AofManifest& manifest) {
    std::vector<const AofFileInfo*> files;
    if (manifest.base()) files.push_back(manifest.base());
    for (const AofFileInfo* f : manifest.incrs()) files.push_back(f);
    std::uint64_t total = 0;
    for (const AofFileInfo* f : files) total += file_size(aof_path(f->name));

    LoadingProgress& loading = state_.loading;
    loading.total_bytes = total;
    loading.loaded_bytes = 0;
    loading.start_time_ms = unix_time_ms();
    const auto started = std::chrono::steady_clock::now();
    auto last_report = started;
    AofReplayer replayer(state_);
    std::uint64_t done_before = 0, commands = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const AofFileInfo& f = *files[i];
        const bool last = i + 1 == files.size();
        const std::string path = aof_path(f.name);
        if (::access(path.c_str(), F_OK) != 0) {
            // Redis: a missing file is fatal (the manifest promises it), except an empty incr.
            return fail("The AOF file " + f.name + " doesn't exist");
        }
        MappedFile file(path);
        if (file.error() != 0) return fail("Fatal error: can't open the append log file " + f.name + " for reading: " + errno_text(file.error()));
        const ReplayOutcome out = replayer.replay(file.bytes(), [&](std::size_t bytes) {
            loading.loaded_bytes = done_before + bytes;
            const auto now = std::chrono::steady_clock::now();
            if (now - last_report >= 2s) {
                last_report = now;
                const std::uint64_t loaded = done_before + bytes;
                log_message(LogLevel::notice, "Loading the AOF: " + std::to_string(total ? loaded * 100 / total : 100) +
                                                  "% (" + human_mb(loaded) + " of " + human_mb(total) + ")");
            }
        });
        commands += out.commands;
        using Kind = ReplayOutcome::Kind;
        if (out.kind == Kind::unknown_command)
            return fail("Unknown command '" + out.command + "' reading the append only file " + f.name +
                        " at byte offset " + std::to_string(out.error_offset));
        if (out.kind == Kind::bad_format)
            return fail("Bad file format reading the append only file " + f.name +
                        " at byte offset " + std::to_string(out.error_offset) +
                        ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
        if (out.kind == Kind::truncated) {
            if (!last || !state_.config.aof_load_truncated.load())
                return fail("Unexpected end of file reading the append only file " + f.name + " (at byte offset " +
                            std::to_string(out.error_offset) +
                            "). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
                            "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
                            "configuration option to yes and restart the server.");
            log_message(LogLevel::warning, "!!! Warning: short read while loading the AOF file " + f.name + "!!!");
            log_message(LogLevel::warning, "!!! Truncating the AOF " + f.name + " at offset " +
                                               std::to_string(out.valid_bytes) + " !!!");
            if (::truncate(path.c_str(), static_cast<off_t>(out.valid_bytes)) != 0)
                return fail("Error truncating the AOF file " + f.name + ": " + errno_text(errno));
            log_message(LogLevel::warning, "AOF loaded anyway because aof-load-truncated is enabled");
        }
        done_before += file.bytes().size();
        loading.loaded_bytes = done_before;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char took[32];
    std::snprintf(took, sizeof took, "%.3f", seconds);
    log_message(LogLevel::notice, "DB loaded from append only file: " + std::string(took) + " seconds (" +
                                      std::to_string(commands) + " commands)");
    return outcome::success();
}

// --- rewrite ------------------------------------------------------------------------------------

RewriteStart Aof::start_rewrite() {
    std::lock_guard lock(rewrite_mutex_);
    if (rewrite_running_) return RewriteStart::already_running;
    finish_rewrite_thread();
    rewrite_running_ = true;
    rewrite_cancel_ = false;
    rewrite_scheduled_ = false;
    rewrite_started_ms_ = unix_time_ms();
    last_rewrite_attempt_ms_ = rewrite_started_ms_.load();
    const bool turning_on = state_.config.appendonly.load() && !logging();
    rewriter_ = std::thread([this, turning_on] { rewrite_main(turning_on); });
    return RewriteStart::started;
}

void Aof::finish_rewrite_thread() {
    if (rewriter_.joinable()) rewriter_.join();
}

void Aof::rewrite_main(bool turning_on) {
    log_message(LogLevel::notice, "Background append only file rewriting started");
    auto r = rewrite(turning_on);
    rewriting_ = false;
    const auto took = (unix_time_ms() - rewrite_started_ms_.load()) / 1000;
    last_rewrite_time_sec_ = took;
    if (r) {
        ++rewrites_;
        rewrite_failures_ = 0;
        last_rewrite_ok_ = true;
        log_message(LogLevel::notice, "Background AOF rewrite finished successfully");
    } else {
        ++rewrite_failures_;
        last_rewrite_ok_ = false;
        log_message(LogLevel::warning, "Background AOF rewrite failed: " + r.error().message);
        // Turning the AOF on cannot finish without a base: try again from the tick.
        if (turning_on && !rewrite_cancel_) rewrite_scheduled_ = true;
    }
    rewrite_running_ = false;
}

void Aof::take_snapshot(std::size_t shard) {
    std::string chunk;
    append_shard_snapshot(chunk, state_.store.shard(shard), unix_time_ms());
    in_snapshot_[shard] = 1;
    if (chunk.empty()) return;
    std::lock_guard lock(chunks_mutex_);
    chunks_.push_back(std::move(chunk));
    chunks_cv_.notify_one();
}

void Aof::snapshot_before_write(std::span<const std::size_t> shard_indices) {
    for (std::size_t i : shard_indices)
        if (!in_snapshot_[i]) take_snapshot(i);
}

// Writes the snapshot chunks as the shards are visited (by this thread in index order, or
// earlier by writers) into the temporary base file.
Result<void> Aof::write_snapshot(int fd, std::uint64_t& written) {
    const bool incremental_fsync = state_.config.aof_rewrite_incremental_fsync.load();
    std::uint64_t since_fsync = 0;
    auto drain = [&]() -> Result<void> {
        std::deque<std::string> ready;
        {
            std::lock_guard lock(chunks_mutex_);
            ready.swap(chunks_);
        }
        for (const std::string& chunk : ready) {
            std::size_t done = 0;
            if (int err = write_fully(fd, chunk, done); err != 0) return fail("writing the new base: " + errno_text(err));
            written += chunk.size();
            since_fsync += chunk.size();
            // Redis's aof-rewrite-incremental-fsync: 4 MB at a time, so the final fsync is short.
            if (incremental_fsync && since_fsync >= (4u << 20)) {
                ::fdatasync(fd);
                since_fsync = 0;
            }
        }
        return outcome::success();
    };
    for (std::size_t i = 0; i < state_.store.shard_count(); ++i) {
        if (rewrite_cancel_) return fail("canceled");
        {
            std::lock_guard shard_lock(state_.store.shard(i).mutex);
            if (!in_snapshot_[i]) take_snapshot(i);
        }
        if (auto r = drain(); !r) return r;
    }
    rewriting_ = false;  // every shard is in: writes stop producing chunks
    return drain();
}

Result<void> Aof::rewrite(bool turning_on) {
    const std::string& prefix = state_.config.appendfilename;
    const std::string& dir = state_.config.appenddirname;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return fail("Can't create the append-only dir " + dir + ": " + errno_text(errno));

    // 1. A new incr file takes every write from the switch on. When the AOF is already on, the
    // manifest names it at once (old base + old incrs + new incr is a complete log).
    AofManifest manifest;
    {
        std::lock_guard files(files_mutex_);
        manifest = manifest_;
    }
    if (turning_on) {
        // Files of an earlier time the AOF was on are stale: the new set starts clean.
        if (auto m = MappedFile(aof_path(prefix + ".manifest")); m.error() == 0)
            if (auto old = parse_manifest(m.bytes())) manifest = std::move(old).value();
    }
    // With the AOF off (BGREWRITEAOF only), the result is a base alone, as in Redis.
    const bool logging_before = logging();
    const bool with_incr = logging_before || turning_on;
    const std::int64_t incr_seq = manifest.next_incr_seq();
    const std::int64_t base_seq = manifest.next_base_seq();
    const AofFileInfo new_incr{aof_file_name(prefix, incr_seq, AofFileInfo::Type::incr), incr_seq,
                               AofFileInfo::Type::incr};
    std::shared_ptr<File> incr_file;
    if (with_incr) {
        const int truncate_fd = ::open(aof_path(new_incr.name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (truncate_fd < 0) return fail("Can't open the append-only file " + new_incr.name + ": " + errno_text(errno));
        ::close(truncate_fd);
        auto created = create_file(new_incr.name);
        if (!created) return fail(created.error().message);
        incr_file = std::move(created).value();
    }
    if (logging_before) {
        AofManifest with_new_incr = manifest;
        with_new_incr.files.push_back(new_incr);
        if (auto r = persist_manifest(with_new_incr); !r) return r;
        std::lock_guard files(files_mutex_);
        manifest_ = with_new_incr;
    }

    // 2. The switch, with every shard locked: no write is between its check of rewriting()
    // and its append.
    {
        ShardLocks all(state_.store);
        all.lock_all();
        std::fill(in_snapshot_.begin(), in_snapshot_.end(), 0);
        if (with_incr) {
            std::lock_guard lock(append_mutex_);
            switch_to(std::move(incr_file));
        }
        rewriting_ = true;
        if (turning_on) logging_ = true;
    }
    if (!logging_before) incr_size_ = 0;

    // 3. The snapshot, shard by shard, into a temporary base.
    const std::string temp_name = "temp-rewriteaof-bg-" + std::to_string(::getpid()) + ".aof";
    const std::string temp = aof_path(temp_name);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        rewriting_ = false;
        return fail("Can't open the temp rewrite file: " + errno_text(errno));
    }
    std::uint64_t base_bytes = 0;
    auto written = write_snapshot(fd, base_bytes);
    rewriting_ = false;
    if (written && ::fsync(fd) != 0) written = fail("fsync of the new base: " + errno_text(errno));
    ::close(fd);
    if (!written || rewrite_cancel_) {
        ::unlink(temp.c_str());
        std::lock_guard lock(chunks_mutex_);
        chunks_.clear();
        return written ? fail("canceled") : written;
    }

    // 4. The new base takes its name, then the manifest names only it and the new incr.
    const AofFileInfo new_base{aof_file_name(prefix, base_seq, AofFileInfo::Type::base), base_seq,
                               AofFileInfo::Type::base};
    if (::rename(temp.c_str(), aof_path(new_base.name).c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return fail("Can't rename the temp rewrite file: " + errno_text(err));
    }
    AofManifest next;
    next.files = {new_base};
    if (with_incr) next.files.push_back(new_incr);
    std::vector<std::string> obsolete;
    {
        std::lock_guard files(files_mutex_);
        if (auto r = persist_manifest(next); !r) return r;
        for (const AofFileInfo& f : manifest.files)
            if (f.name != new_base.name && f.name != new_incr.name) obsolete.push_back(f.name);
        manifest_ = next;
        base_size_ = base_bytes;
    }
    // The incr file's bytes so far are what was written since the switch.
    incr_size_ = with_incr ? file_size(aof_path(new_incr.name)) : 0;
    for (const std::string& name : obsolete) ::unlink(aof_path(name).c_str());
    fsync_directory(dir);
    return outcome::success();
}

void Aof::set_enabled(bool on) {
    if (on) {
        // A BGREWRITEAOF already running (with the AOF off) cannot turn logging on: the tick
        // starts the turning-on rewrite once it is done.
        if (logging() || state_.loading.active.load()) return;  // the loader opens the log when done
        if (start_rewrite() != RewriteStart::started) rewrite_scheduled_ = true;
        return;
    }
    {
        std::lock_guard lock(rewrite_mutex_);
        rewrite_cancel_ = true;
        finish_rewrite_thread();
        rewrite_scheduled_ = false;
    }
    {
        ShardLocks all(state_.store);
        all.lock_all();
        logging_ = false;
        rewriting_ = false;
        std::lock_guard lock(append_mutex_);
        switch_to(nullptr);  // the writer finishes the old file's buffer, then closes it
    }
    writer_cv_.notify_one();
}

void Aof::tick(std::int64_t now_ms) {
    const Config& config = state_.config;
    if (!config.appendonly.load() || rewrite_running_) return;
    if (rewrite_scheduled_) {
        // After a failure, wait a little before trying again (Redis waits 1 s per failure).
        if (now_ms - last_rewrite_attempt_ms_.load() >= 1000) start_rewrite();
        return;
    }
    const int percentage = config.auto_aof_rewrite_percentage.load();
    if (!logging() || percentage <= 0) return;
    const std::uint64_t size = base_size_.load() + incr_size_.load();
    const std::uint64_t base = std::max<std::uint64_t>(base_size_.load(), 1);
    if (size < static_cast<std::uint64_t>(config.auto_aof_rewrite_min_size.load())) return;
    const std::uint64_t growth = (size - std::min(size, base)) * 100 / base;
    if (growth < static_cast<std::uint64_t>(percentage)) return;
    // After a failed attempt, back off as Redis does instead of retrying every tick.
    if (!last_rewrite_ok_ && now_ms - last_rewrite_attempt_ms_.load() < 1000) return;
    log_message(LogLevel::notice, "Starting automatic rewriting of AOF on " + std::to_string(growth) + "% growth");
    start_rewrite();
}

AofStatus Aof::status() const {
    AofStatus s;
    s.enabled = state_.config.appendonly.load();
    s.rewrite_in_progress = rewrite_running_.load();
    s.rewrite_scheduled = rewrite_scheduled_.load();
    s.last_rewrite_time_sec = last_rewrite_time_sec_.load();
    s.current_rewrite_time_sec = s.rewrite_in_progress ? (unix_time_ms() - rewrite_started_ms_.load()) / 1000 : -1;
    s.last_bgrewrite_ok = last_rewrite_ok_.load();
    s.last_write_errno = write_errno_.load();
    s.last_write_ok = s.last_write_errno == 0;
    s.base_size = base_size_.load();
    s.current_size = s.base_size + incr_size_.load();
    s.buffer_length = appended_total_.load() - std::min(appended_total_.load(), written_.load());
    {
        std::lock_guard lock(fsync_mutex_);
        s.pending_bio_fsync = fsync_busy_ ? 1 : 0;
    }
    s.rewrites = rewrites_.load();
    s.rewrites_consecutive_failures = rewrite_failures_.load();
    s.delayed_fsync = delayed_fsync_.load();
    return s;
}

void Aof::shutdown() {
    {
        std::lock_guard lock(rewrite_mutex_);
        rewrite_cancel_ = true;
        finish_rewrite_thread();
    }
    {
        std::lock_guard lock(append_mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    writer_cv_.notify_one();
    if (writer_.joinable()) writer_.join();
    {
        std::lock_guard lock(fsync_mutex_);
        fsync_stop_ = true;
    }
    fsync_cv_.notify_all();
    if (fsyncer_.joinable()) fsyncer_.join();
    logging_ = false;
}

}  // namespace corokv

#include "commands/clients.hpp"

#include "commands/acl_users.hpp"
#include "commands/command.hpp"

namespace corokv {

std::string ClientSession::name() const {
    std::lock_guard lock(strings_mutex_);
    return name_;
}
void ClientSession::set_name(std::string n) {
    std::lock_guard lock(strings_mutex_);
    name_ = std::move(n);
}
std::string ClientSession::lib_name() const {
    std::lock_guard lock(strings_mutex_);
    return lib_name_;
}
std::string ClientSession::lib_ver() const {
    std::lock_guard lock(strings_mutex_);
    return lib_ver_;
}
void ClientSession::set_lib_name(std::string n) {
    std::lock_guard lock(strings_mutex_);
    lib_name_ = std::move(n);
}
void ClientSession::set_lib_ver(std::string v) {
    std::lock_guard lock(strings_mutex_);
    lib_ver_ = std::move(v);
}
// The pointer is replaced under the lock so another thread's user_name() never reads it torn;
// this connection's own thread reads `user` without locking (only it writes).
void ClientSession::set_user(std::shared_ptr<AclUser> u) {
    std::lock_guard lock(strings_mutex_);
    user = std::move(u);
}
std::string ClientSession::user_name() const {
    std::lock_guard lock(strings_mutex_);
    return user ? user->name : "default";
}
bool ClientSession::runs_as(const AclUser* u) const {
    std::lock_guard lock(strings_mutex_);
    return user.get() == u;
}

std::string ClientSession::info_line(std::int64_t now_ms) const {
    std::string cmd = "NULL";
    if (const CommandSpec* c = last_command.load()) {
        cmd = std::string(c->name);
        if (const CommandSpec* parent = last_parent_command.load())
            cmd = std::string(parent->name) + "|" + cmd;
    }
    const std::int64_t age = (now_ms - created_ms) / 1000;
    const std::int64_t idle = (now_ms - last_active_ms.load()) / 1000;
    const std::size_t qbuf = query_buffer_bytes.load();
    const std::size_t qcap = query_buffer_capacity.load();
    const std::size_t omem = output_buffer_bytes.load() + push_backlog.load(std::memory_order_relaxed);
    std::string line;
    line.reserve(256);
    line += "id=" + std::to_string(id);
    line += " addr=" + addr;
    line += " laddr=" + laddr;
    line += " fd=" + std::to_string(fd);
    line += " name=" + name();
    line += " age=" + std::to_string(age);
    line += " idle=" + std::to_string(idle);
    const int multi = multi_shown.load(std::memory_order_relaxed);
    std::string flags;
    if (monitoring.load(std::memory_order_relaxed)) flags += 'O';
    if (is_pubsub()) flags += 'P';
    if (multi >= 0) flags += 'x';
    if (blocked.load(std::memory_order_relaxed)) flags += 'b';
    if (no_evict.load(std::memory_order_relaxed)) flags += 'e';
    if (flags.empty()) flags = "N";
    line += " flags=" + flags;
    line += " db=" + std::to_string(db_shown.load());
    line += " sub=" + std::to_string(sub_shown.load(std::memory_order_relaxed));
    line += " psub=" + std::to_string(psub_shown.load(std::memory_order_relaxed));
    line += " ssub=" + std::to_string(ssub_shown.load(std::memory_order_relaxed));
    line += " multi=" + std::to_string(multi);
    line += " qbuf=" + std::to_string(qbuf);
    line += " qbuf-free=" + std::to_string(qcap > qbuf ? qcap - qbuf : 0);
    line += " argv-mem=0 multi-mem=0";
    line += " rbs=" + std::to_string(qcap) + " rbp=" + std::to_string(qcap);
    line += " obl=0 oll=0 omem=" + std::to_string(omem);
    line += " tot-mem=" + std::to_string(qcap + omem);
    line += " events=r";
    line += " cmd=" + cmd;
    line += " user=" + user_name() + " redir=-1";
    line += " resp=" + std::to_string(proto);
    std::string ln = lib_name(), lv = lib_ver();
    if (!ln.empty()) line += " lib-name=" + ln;
    if (!lv.empty()) line += " lib-ver=" + lv;
    return line;
}

void ClientRegistry::add(const std::shared_ptr<ClientSession>& c) {
    std::lock_guard lock(mutex_);
    clients_[c->id] = c;
}
void ClientRegistry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    clients_.erase(id);
}
std::size_t ClientRegistry::count() const {
    std::lock_guard lock(mutex_);
    return clients_.size();
}
std::vector<std::shared_ptr<ClientSession>> ClientRegistry::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<ClientSession>> out;
    out.reserve(clients_.size());
    for (const auto& [id, c] : clients_) out.push_back(c);
    return out;
}

}  // namespace corokv

#include "persistence/aof_loader.hpp"

#include <strings.h>

#include <vector>

#include "commands/dispatch.hpp"
#include "persistence/aof_reader.hpp"
#include "resp/writer.hpp"

namespace corokv {
namespace {

bool is_named(std::string_view arg, std::string_view name) {
    return arg.size() == name.size() && strncasecmp(arg.data(), name.data(), name.size()) == 0;
}

}  // namespace

AofReplayer::AofReplayer(ServerState& state)
    : state_(state), session_(0, "", "", -1, unix_time_ms()) {
    session_.authenticated = true;
}

ReplayOutcome AofReplayer::replay(std::string_view data, const std::function<void(std::size_t)>& progress) {
    constexpr std::size_t kProgressEvery = 4096;
    AofReader reader(data);
    ReplayOutcome outcome;
    std::vector<std::string_view> args;
    // A transaction's commands are views into `data`, run when EXEC arrives.
    std::vector<std::vector<std::string_view>> queued;
    bool in_multi = false;
    std::size_t multi_start = 0;
    resp::ReplyWriter out(replies_);
    auto run = [&](std::span<const std::string_view> command) {
        ExecOptions options{.now_ms = unix_time_ms(), .may_block = false, .check_memory = false, .replaying = true};
        execute_with(state_, session_, command, out, options);
        replies_.clear();
        if (++outcome.commands % kProgressEvery == 0 && progress) progress(reader.valid_bytes());
    };
    for (;;) {
        const std::size_t command_start = reader.valid_bytes();
        const AofReader::Status status = reader.next(args);
        if (status == AofReader::Status::command) {
            if (is_named(args[0], "multi")) {
                in_multi = true;
                multi_start = command_start;
                queued.clear();
            } else if (is_named(args[0], "exec") && in_multi) {
                for (const auto& command : queued) run(command);
                in_multi = false;
                queued.clear();
            } else if (!find_command(args[0])) {
                outcome.kind = ReplayOutcome::Kind::unknown_command;
                outcome.error_offset = command_start;
                outcome.command = std::string(args[0]);
                return outcome;
            } else if (in_multi) {
                queued.push_back(args);
            } else {
                run(args);
            }
            continue;
        }
        outcome.valid_bytes = in_multi ? multi_start : reader.valid_bytes();
        outcome.error_offset = reader.error_offset();
        if (status == AofReader::Status::bad_format) {
            outcome.kind = ReplayOutcome::Kind::bad_format;
        } else if (status == AofReader::Status::truncated || in_multi) {
            // A MULTI without its EXEC is a transaction the crash cut short: Redis reverts it.
            outcome.kind = ReplayOutcome::Kind::truncated;
            if (in_multi && status != AofReader::Status::truncated) outcome.error_offset = multi_start;
        }
        if (progress) progress(outcome.valid_bytes);
        return outcome;
    }
}

}  // namespace corokv

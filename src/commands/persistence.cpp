// Persistence commands: BGREWRITEAOF. (The AOF itself is src/persistence/aof.*; what each
// command logs is decided by its handler and the dispatcher.)
#include "commands/command_table.hpp"
#include "commands/server_state.hpp"

namespace corokv {
namespace {

void bgrewriteaof_command(CommandContext& c) {
    if (!c.server.aof) {
        c.out.error("ERR Background append only file rewriting is not available");
        return;
    }
    switch (c.server.aof->start_rewrite()) {
        case RewriteStart::started:
            c.out.simple("Background append only file rewriting started");
            break;
        case RewriteStart::scheduled:
            c.out.simple("Background append only file rewriting scheduled");
            break;
        case RewriteStart::already_running:
            c.out.error("ERR Background append only file rewriting already in progress");
            break;
    }
}

const CommandSpec kPersistenceCommands[] = {
    {"bgrewriteaof", 1, kAdmin | kNoscript, {}, bgrewriteaof_command, "server", "1.0.0",
     "Asynchronously rewrite the append-only file", "O(1)"},
};

}  // namespace

std::span<const CommandSpec> persistence_commands() { return kPersistenceCommands; }

}  // namespace corokv

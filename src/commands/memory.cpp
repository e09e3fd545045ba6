// MEMORY USAGE / PURGE / MALLOC-STATS / HELP. Per-key sizes come from the real allocation
// sizes of the key's blocks (store/memory.hpp), large containers sampled as Redis does.
// MEMORY STATS and DOCTOR are not offered (see README).
#include <cstdio>
#include <cstdlib>
#include <malloc.h>

#include "commands/command_table.hpp"
#include "commands/numbers.hpp"
#include "store/memory.hpp"

namespace corokv {
namespace {

constexpr std::size_t kDefaultSamples = 5;  // Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES

void memory_usage_command(CommandContext& c) {
    std::size_t samples = kDefaultSamples;
    for (std::size_t i = 3; i < c.argc(); ++i) {
        if (!option_is(c.arg(i), "samples") || i + 1 >= c.argc()) {
            c.out.error(errors::kSyntax);
            return;
        }
        std::int64_t n = 0;
        if (!int_arg_or_reply(c, c.arg(++i), n)) return;
        if (n < 0) {
            c.out.error(errors::kSyntax);
            return;
        }
        samples = static_cast<std::size_t>(n);  // 0 = every element
    }
    const std::string_view key = c.arg(2);
    if (!c.peek(key)) {
        c.out.null();
        return;
    }
    const std::uint64_t hash = c.hash_of(key);
    const auto* node = c.keyspace(hash, c.db()).dict().find_node(key, hash);
    c.out.integer(static_cast<long long>(memory_usage(*node, samples)));
}

void memory_purge_command(CommandContext& c) {
    memory::release_free_pages();
    c.out.ok();
}

// glibc's own report (malloc_info's XML); Redis shows jemalloc's when built with it.
void memory_malloc_stats_command(CommandContext& c) {
    char* text = nullptr;
    std::size_t size = 0;
    FILE* f = open_memstream(&text, &size);
    if (!f) {
        c.out.error("ERR Stats not supported for the current allocator");
        return;
    }
    malloc_info(0, f);
    std::fclose(f);
    c.out.verbatim(std::string_view(text, size));
    std::free(text);
}

void memory_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
}

const CommandSpec kMemorySubcommands[] = {
    {"usage", -3, kReadonly | kKeysBlind, {2, 2, 1}, memory_usage_command, "server", "4.0.0",
     "Estimate the memory usage of a key", "O(N) where N is the number of samples."},
    {"purge", 2, 0, {}, memory_purge_command, "server", "4.0.0",
     "Ask the allocator to release memory", "Depends on how much memory is allocated, could be slow"},
    {"malloc-stats", 2, 0, {}, memory_malloc_stats_command, "server", "4.0.0",
     "Show allocator internal stats", "Depends on how much memory is allocated, could be slow"},
    {"help", 2, kLoading | kStale, {}, memory_help_command, "server", "4.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kMemoryCommands[] = {
    {"memory", -2, 0, {}, nullptr, "server", "4.0.0", "A container for memory diagnostics commands",
     "Depends on subcommand.", kMemorySubcommands},
};

}  // namespace

std::span<const CommandSpec> memory_commands() { return kMemoryCommands; }

}  // namespace corokv

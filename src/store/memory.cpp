#include "store/memory.hpp"

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace corokv::memory {
namespace {

// One counter per thread, each on its own cache line and written only by its owner with a
// plain load + store, so counting costs no locked instruction and no shared cache line.
// Counters are signed: a block freed on another thread than the one that allocated it
// lowers the freeing thread's counter; only the sum means anything. Threads beyond
// kOwnedSlots share slot 0 through atomic adds.
constexpr std::size_t kOwnedSlots = 255;
constexpr std::size_t kShared = 0;

struct alignas(64) Slot {
    std::atomic<std::int64_t> bytes{0};
};

Slot g_slots[kOwnedSlots + 1];
std::atomic<std::size_t> g_slots_in_use{1};   // slot 0 always counts
thread_local std::size_t t_slot = static_cast<std::size_t>(-1);  // not assigned yet

std::size_t claim_slot() {
    std::size_t next = g_slots_in_use.load(std::memory_order_relaxed);
    while (next <= kOwnedSlots) {
        if (g_slots_in_use.compare_exchange_weak(next, next + 1, std::memory_order_relaxed)) return next;
    }
    return kShared;
}

inline void count(std::int64_t delta) {
    std::size_t slot = t_slot;
    if (slot == static_cast<std::size_t>(-1)) slot = t_slot = claim_slot();
    std::atomic<std::int64_t>& bytes = g_slots[slot].bytes;
    if (slot == kShared) bytes.fetch_add(delta, std::memory_order_relaxed);
    else bytes.store(bytes.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}

void* allocate_counted(std::size_t n) {
    for (;;) {
        if (void* p = std::malloc(n ? n : 1)) {
            count(static_cast<std::int64_t>(block_size(p)));
            return p;
        }
        std::new_handler handler = std::get_new_handler();
        if (!handler) return nullptr;
        handler();
    }
}

void free_counted(void* p) noexcept {
    if (!p) return;
    count(-static_cast<std::int64_t>(block_size(p)));
    std::free(p);
}

}  // namespace

std::int64_t used() {
    const std::size_t n = g_slots_in_use.load(std::memory_order_relaxed);
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < n && i <= kOwnedSlots; ++i) sum += g_slots[i].bytes.load(std::memory_order_relaxed);
    return sum;
}

// glibc keeps one size word in front of every chunk on top of the usable bytes.
std::size_t block_size(const void* p) { return malloc_usable_size(const_cast<void*>(p)) + sizeof(std::size_t); }

std::int64_t resident() {
    long pages_total = 0, pages_resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
        std::fclose(f);
    }
    return static_cast<std::int64_t>(pages_resident) * sysconf(_SC_PAGESIZE);
}

void release_free_pages() { malloc_trim(0); }

}  // namespace corokv::memory

// --- the replaced global allocation functions -------------------------------------------------
// Aligned variants are left to the library: nothing in corokv allocates over-aligned types
// through new, and their blocks are simply not counted.

void* operator new(std::size_t n) {
    if (void* p = corokv::memory::allocate_counted(n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return corokv::memory::allocate_counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return corokv::memory::allocate_counted(n); }
void operator delete(void* p) noexcept { corokv::memory::free_counted(p); }
void operator delete[](void* p) noexcept { corokv::memory::free_counted(p); }
void operator delete(void* p, std::size_t) noexcept { corokv::memory::free_counted(p); }
void operator delete[](void* p, std::size_t) noexcept { corokv::memory::free_counted(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { corokv::memory::free_counted(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { corokv::memory::free_counted(p); }

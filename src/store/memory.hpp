// Memory accounting: what the allocator really holds for the process, as Redis's zmalloc
// counts it. operator new/delete are replaced (memory.cpp) so that every block handed out is
// added to a per-thread counter with its real size (malloc_usable_size plus malloc's chunk
// header); `used()` sums the counters. Keys, values, container overhead, client buffers and
// coroutine frames are all counted, and freeing a key lowers the figure at once, which is
// what maxmemory eviction needs.
//
// Store code allocates through operator new (never malloc) so its blocks are counted too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace corokv::memory {

// Bytes held by live allocations of the whole process (INFO used_memory).
std::int64_t used();

// The bytes malloc really holds for a block obtained from operator new.
std::size_t block_size(const void* p);

// Heap bytes behind a std::string: 0 while it fits in the object (small-string buffer).
inline std::size_t string_bytes(const std::string& s) {
    const char* data = s.data();
    const char* object = reinterpret_cast<const char*>(&s);
    const bool inline_buffer = data >= object && data < object + sizeof(std::string);
    return inline_buffer ? 0 : block_size(data);
}

// MEMORY USAGE's sampling (Redis's objectComputeSize): elements of a large container are
// measured up to a limit and their average is multiplied by the element count.
class ElementSampler {
public:
    explicit ElementSampler(std::size_t limit) : limit_(limit) {}  // 0 = measure every element
    bool wants_more() const { return limit_ == 0 || seen_ < limit_; }
    void add(std::size_t bytes) {
        bytes_ += bytes;
        ++seen_;
    }
    std::size_t estimate(std::size_t elements) const {
        return seen_ == 0 ? 0 : static_cast<std::size_t>(static_cast<double>(bytes_) / seen_ * elements);
    }

private:
    std::size_t limit_;
    std::size_t seen_ = 0;
    std::size_t bytes_ = 0;
};

// Resident set size of the process, from /proc/self/statm.
std::int64_t resident();

// Hands freed pages back to the kernel (malloc_trim): used after large deletions so RSS
// follows used memory down, which glibc does not do by itself for holes inside the heap.
void release_free_pages();

}  // namespace corokv::memory

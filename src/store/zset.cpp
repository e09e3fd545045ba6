// The sorted set's skiplist follows Redis's zskiplist (t_zset.c): levels drawn with p = 1/4,
// each forward link remembers how many members it jumps (its span), so the rank of a node
// is the sum of the spans on the way to it.
#include "store/zset.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <random>

#include "store/memory.hpp"
#include <utility>

#include "store/dict.hpp"

namespace corokv {

// --- ranges ---------------------------------------------------------------------------------

bool LexRange::above_min(std::string_view v) const {
    switch (min.kind) {
        case LexBound::Kind::minus_infinity: return true;
        case LexBound::Kind::plus_infinity: return false;
        case LexBound::Kind::inclusive: return v >= min.value;
        case LexBound::Kind::exclusive: return v > min.value;
    }
    return false;
}

bool LexRange::below_max(std::string_view v) const {
    switch (max.kind) {
        case LexBound::Kind::plus_infinity: return true;
        case LexBound::Kind::minus_infinity: return false;
        case LexBound::Kind::inclusive: return v <= max.value;
        case LexBound::Kind::exclusive: return v < max.value;
    }
    return false;
}

// Redis's sdscmplex + zslIsInLexRange's first test: "- -" and "+ +" are empty (the open ends
// count as exclusive), "+ x" and "x -" are empty.
bool LexRange::empty() const {
    using K = LexBound::Kind;
    int cmp = 0;
    if (min.kind == max.kind && (min.kind == K::minus_infinity || min.kind == K::plus_infinity)) cmp = 0;
    else if (min.kind == K::minus_infinity || max.kind == K::plus_infinity) cmp = -1;
    else if (min.kind == K::plus_infinity || max.kind == K::minus_infinity) cmp = 1;
    else cmp = min.value.compare(max.value);
    const bool any_exclusive = min.kind != K::inclusive || max.kind != K::inclusive;
    return cmp > 0 || (cmp == 0 && any_exclusive);
}

// --- node memory ----------------------------------------------------------------------------

namespace {

// (score, member) order of the skiplist: is `n` strictly before (score, member)?
bool before(const ZSetNode* n, double score, std::string_view member) {
    return n->score() < score || (n->score() == score && n->member() < member);
}
bool not_after(const ZSetNode* n, double score, std::string_view member) {
    return n->score() < score || (n->score() == score && n->member() <= member);
}

std::uint64_t next_random() {
    // xorshift64*: cheap, and level choice needs no cryptographic quality.
    thread_local std::uint64_t state = std::random_device{}() | 1;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
}

}  // namespace

ZSetNode* ZSetValue::allocate(std::string_view member, double score, int height) {
    const std::size_t bytes = sizeof(ZSetNode) + static_cast<std::size_t>(height) * sizeof(Level) + member.size();
    auto* n = new (::operator new(bytes)) ZSetNode;
    n->score_ = score;
    n->length_ = static_cast<std::uint32_t>(member.size());
    n->height_ = static_cast<std::uint8_t>(height);
    for (int i = 0; i < height; ++i) n->levels()[i] = Level{nullptr, 0};
    if (!member.empty()) std::memcpy(n->member_bytes(), member.data(), member.size());
    return n;
}

void ZSetValue::release(ZSetNode* n) {
    if (!n) return;
    n->~ZSetNode();
    ::operator delete(n);
}

int ZSetValue::random_height() {
    int h = 1;
    while (h < kMaxLevel && (next_random() & 0xFFFF) < 0x4000) ++h;
    return h;
}

std::uint64_t ZSetValue::reverse_bits(std::uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

// --- lifetime -------------------------------------------------------------------------------

ZSetValue::ZSetValue(const ZSetValue& other) { copy_from(other); }

ZSetValue& ZSetValue::operator=(const ZSetValue& other) {
    if (this != &other) {
        destroy();
        copy_from(other);
    }
    return *this;
}

ZSetValue::ZSetValue(ZSetValue&& o) noexcept
    : header_(std::exchange(o.header_, nullptr)), tail_(std::exchange(o.tail_, nullptr)),
      size_(std::exchange(o.size_, 0)), level_(std::exchange(o.level_, 1)),
      header_levels_(std::exchange(o.header_levels_, 0)), listpack_(std::exchange(o.listpack_, true)),
      buckets_(std::move(o.buckets_)) {
    o.buckets_.clear();
}

ZSetValue& ZSetValue::operator=(ZSetValue&& o) noexcept {
    if (this != &o) {
        destroy();
        header_ = std::exchange(o.header_, nullptr);
        tail_ = std::exchange(o.tail_, nullptr);
        size_ = std::exchange(o.size_, 0);
        level_ = std::exchange(o.level_, 1);
        header_levels_ = std::exchange(o.header_levels_, 0);
        listpack_ = std::exchange(o.listpack_, true);
        buckets_ = std::move(o.buckets_);
        o.buckets_.clear();
    }
    return *this;
}

ZSetValue::~ZSetValue() { destroy(); }

void ZSetValue::destroy() {
    if (header_) {
        ZSetNode* n = header_->levels()[0].forward;
        while (n) {
            ZSetNode* next = n->levels()[0].forward;
            release(n);
            n = next;
        }
        release(header_);
    }
    header_ = tail_ = nullptr;
    size_ = 0;
    level_ = 1;
    header_levels_ = 0;
    listpack_ = true;
    buckets_.clear();
    buckets_.shrink_to_fit();
}

// O(n): nodes keep their heights, so the copy is built by appending at the tail of every
// level, without searching.
void ZSetValue::copy_from(const ZSetValue& o) {
    listpack_ = o.listpack_;
    if (o.size_ == 0) return;
    ensure_header(o.level_);
    rehash(o.buckets_.size());
    ZSetNode* last[kMaxLevel];
    std::size_t last_rank[kMaxLevel];
    std::fill(std::begin(last), std::end(last), header_);
    std::fill(std::begin(last_rank), std::end(last_rank), 0);
    std::size_t rank = 0;
    ZSetNode* prev = nullptr;
    for (const ZSetNode* s = o.first(); s; s = s->next()) {
        ZSetNode* n = allocate(s->member(), s->score_, s->height_);
        ++rank;
        for (int i = 0; i < n->height_; ++i) {
            last[i]->levels()[i] = Level{n, rank - last_rank[i]};
            last[i] = n;
            last_rank[i] = rank;
        }
        n->backward_ = prev;
        prev = n;
        ZSetNode*& head = bucket_of(n);
        n->chain_ = head;
        head = n;
    }
    level_ = o.level_;
    for (int i = 0; i < level_; ++i) last[i]->levels()[i] = Level{nullptr, rank - last_rank[i]};
    size_ = rank;
    tail_ = prev;
}

void ZSetValue::reset_encoding() {
    listpack_ = size_ <= kMaxListpackEntries;
    for (const ZSetNode* n = first(); n && listpack_; n = n->next())
        listpack_ = n->length_ <= kMaxListpackValue;
    if (!listpack_) return;
    // A listpack stores scores as text and "-0" comes back as the integer 0.
    for (ZSetNode* n = header_ ? header_->levels()[0].forward : nullptr; n; n = n->levels()[0].forward)
        if (n->score_ == 0) n->score_ = 0.0;
}

// --- hash index -----------------------------------------------------------------------------

ZSetNode* ZSetValue::find_node(std::string_view member, std::uint64_t hash) const {
    if (buckets_.empty()) return nullptr;
    for (ZSetNode* n = buckets_[hash & (buckets_.size() - 1)]; n; n = n->chain_)
        if (n->member() == member) return n;
    return nullptr;
}

void ZSetValue::rehash(std::size_t count) {
    std::vector<ZSetNode*> old = std::move(buckets_);
    buckets_.assign(count, nullptr);
    for (ZSetNode* head : old) {
        while (head) {
            ZSetNode* next = head->chain_;
            ZSetNode*& slot = bucket_of(head);
            head->chain_ = slot;
            slot = head;
            head = next;
        }
    }
}

ZSetNode*& ZSetValue::bucket_of(const ZSetNode* n) {
    return buckets_[hash_bytes(n->member()) & (buckets_.size() - 1)];
}

// Called before the node is counted in size_.
void ZSetValue::hash_insert(ZSetNode* n, std::uint64_t hash) {
    if (buckets_.empty()) rehash(4);
    else if (size_ + 1 > buckets_.size()) rehash(buckets_.size() * 2);
    ZSetNode*& head = buckets_[hash & (buckets_.size() - 1)];
    n->chain_ = head;
    head = n;
}

// Called after the node left size_.
void ZSetValue::hash_remove(ZSetNode* n) {
    ZSetNode** slot = &bucket_of(n);
    while (*slot != n) slot = &(*slot)->chain_;
    *slot = n->chain_;
    if (size_ == 0) {
        buckets_.clear();
        buckets_.shrink_to_fit();
    } else if (buckets_.size() > 4 && size_ * 8 < buckets_.size()) {
        rehash(std::max<std::size_t>(4, std::bit_ceil(size_) * 2));
    }
}

// --- skiplist -------------------------------------------------------------------------------

// The header is grown on demand (4 levels cover ~256 members) so that the many small sorted
// sets of a typical keyspace do not each carry Redis's 32-level header.
void ZSetValue::ensure_header(int height) {
    if (header_levels_ >= height) return;
    const int capacity = header_ ? kMaxLevel : std::max(height, 4);
    ZSetNode* grown = allocate({}, 0, capacity);
    for (int i = 0; i < header_levels_; ++i) grown->levels()[i] = header_->levels()[i];
    release(header_);
    header_ = grown;
    header_levels_ = capacity;
}

void ZSetValue::find_predecessors(double score, std::string_view member, ZSetNode** update) const {
    ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i) {
        for (ZSetNode* f; (f = p->levels()[i].forward) && before(f, score, member);) p = f;
        update[i] = p;
    }
}

void ZSetValue::link(ZSetNode* x) {
    ensure_header(x->height_);
    ZSetNode* update[kMaxLevel];
    std::size_t rank[kMaxLevel];
    ZSetNode* p = header_;
    const std::string_view member = x->member();
    for (int i = level_ - 1; i >= 0; --i) {
        rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
        for (ZSetNode* f; (f = p->levels()[i].forward) && before(f, x->score_, member);) {
            rank[i] += p->levels()[i].span;
            p = f;
        }
        update[i] = p;
    }
    link_after(x, update, rank);
}

void ZSetValue::link_after(ZSetNode* x, ZSetNode** update, std::size_t* rank) {
    const int height = x->height_;
    for (int i = level_; i < height; ++i) {
        rank[i] = 0;
        update[i] = header_;
        header_->levels()[i].span = size_;
    }
    level_ = std::max(level_, height);
    for (int i = 0; i < height; ++i) {
        Level& before_x = update[i]->levels()[i];
        x->levels()[i] = Level{before_x.forward, before_x.span - (rank[0] - rank[i])};
        before_x = Level{x, rank[0] - rank[i] + 1};
    }
    for (int i = height; i < level_; ++i) ++update[i]->levels()[i].span;
    x->backward_ = update[0] == header_ ? nullptr : update[0];
    if (ZSetNode* after = x->levels()[0].forward) after->backward_ = x;
    else tail_ = x;
    ++size_;
}

void ZSetValue::unlink(ZSetNode* x, ZSetNode** update) {
    for (int i = 0; i < level_; ++i) {
        Level& l = update[i]->levels()[i];
        if (l.forward == x) l = Level{x->levels()[i].forward, l.span + x->levels()[i].span - 1};
        else --l.span;
    }
    if (ZSetNode* after = x->levels()[0].forward) after->backward_ = x->backward_;
    else tail_ = x->backward_;
    while (level_ > 1 && !header_->levels()[level_ - 1].forward) --level_;
    --size_;
}

void ZSetValue::note_member(std::string_view member) {
    if (size_ + 1 > kMaxListpackEntries || member.size() > kMaxListpackValue) listpack_ = false;
}

// --- members --------------------------------------------------------------------------------

const ZSetNode* ZSetValue::find(std::string_view member) const {
    return find_node(member, hash_bytes(member));
}

std::optional<double> ZSetValue::score(std::string_view member) const {
    const ZSetNode* n = find(member);
    if (!n) return std::nullopt;
    return n->score_;
}

bool ZSetValue::set(std::string_view member, double score) {
    const std::uint64_t hash = hash_bytes(member);
    if (const ZSetNode* node = find_node(member, hash)) {
        update_score(node, score);
        return false;
    }
    note_member(member);
    if (listpack_ && score == 0) score = 0.0;   // see reset_encoding: no "-0" in a listpack
    ZSetNode* node = allocate(member, score, random_height());
    hash_insert(node, hash);
    link(node);
    return true;
}

void ZSetValue::update_score(const ZSetNode* found, double score) {
    auto* node = const_cast<ZSetNode*>(found);   // found in this set, which we may change
    if (listpack_ && score == 0) score = 0.0;
    if (node->score_ == score) return;
    // Redis's zslUpdateScore: when the node stays between its neighbours, change the score in
    // place; otherwise move it (keeping its allocation and height).
    const ZSetNode* prev = node->backward_;
    const ZSetNode* next = node->levels()[0].forward;
    if ((!prev || prev->score_ < score) && (!next || next->score_ > score)) {
        node->score_ = score;
        return;
    }
    move(node, score);
}

// Redis unlinks the node (one search from the top for its predecessors) and inserts it again
// (a second search). In a set much bigger than the CPU caches nearly every step of a search
// is a cache miss, and each step depends on the one before. Here both searches run in one
// loop, a step of each per iteration, so their misses overlap: the new place is searched in
// the list as it will be without `x` (x is stepped over, its span merged into the link that
// jumps it), which makes the predecessors and ranks found still right after the unlink.
void ZSetValue::move(ZSetNode* x, double score) {
    const double old_score = x->score_;
    const std::string_view member = x->member();
    ZSetNode* old_update[kMaxLevel];
    ZSetNode* new_update[kMaxLevel];
    std::size_t new_rank[kMaxLevel];
    ZSetNode* po = header_;
    ZSetNode* pn = header_;
    std::size_t rank = 0;
    for (int i = level_ - 1; i >= 0; --i) {
        bool old_moving = true, new_moving = true;
        while (old_moving || new_moving) {
            if (old_moving) {
                ZSetNode* f = po->levels()[i].forward;
                if (f && before(f, old_score, member)) po = f;
                else old_moving = false;
            }
            if (new_moving) {
                ZSetNode* f = pn->levels()[i].forward;
                std::size_t span = pn->levels()[i].span;
                if (f == x) {
                    span += x->levels()[i].span - 1;
                    f = x->levels()[i].forward;
                }
                if (f && before(f, score, member)) {
                    rank += span;
                    pn = f;
                } else {
                    new_moving = false;
                }
            }
        }
        old_update[i] = po;
        new_update[i] = pn;
        new_rank[i] = rank;
    }
    unlink(x, old_update);
    x->score_ = score;
    link_after(x, new_update, new_rank);
}

bool ZSetValue::erase(std::string_view member) {
    ZSetNode* node = find_node(member, hash_bytes(member));
    if (!node) return false;
    ZSetNode* update[kMaxLevel];
    find_predecessors(node->score_, node->member(), update);
    unlink(node, update);
    hash_remove(node);
    release(node);
    return true;
}

// --- order ----------------------------------------------------------------------------------

std::optional<std::size_t> ZSetValue::rank(std::string_view member) const {
    const ZSetNode* n = find(member);
    if (!n) return std::nullopt;
    return rank_of(n);
}

std::size_t ZSetValue::rank_of(const ZSetNode* node) const {
    std::size_t rank = 0;
    const ZSetNode* p = header_;
    const std::string_view member = node->member();
    for (int i = level_ - 1; i >= 0; --i) {
        for (const ZSetNode* f; (f = p->levels()[i].forward) && not_after(f, node->score_, member);) {
            rank += p->levels()[i].span;
            p = f;
        }
        if (p == node) return rank - 1;
    }
    return rank - 1;   // unreachable for a member of this set
}

const ZSetNode* ZSetValue::at_rank(std::size_t rank) const {
    if (rank >= size_) return nullptr;
    const std::size_t target = rank + 1;
    std::size_t traversed = 0;
    const ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i) {
        for (const ZSetNode* f; (f = p->levels()[i].forward) && traversed + p->levels()[i].span <= target;) {
            traversed += p->levels()[i].span;
            p = f;
        }
        if (traversed == target) return p;
    }
    return nullptr;
}

const ZSetNode* ZSetValue::first_in(const ScoreRange& range) const {
    if (size_ == 0 || range.empty() || !range.above_min(tail_->score_) || !range.below_max(first()->score_))
        return nullptr;
    const ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i)
        for (const ZSetNode* f; (f = p->levels()[i].forward) && !range.above_min(f->score_);) p = f;
    const ZSetNode* x = p->levels()[0].forward;
    return x && range.below_max(x->score_) ? x : nullptr;
}

const ZSetNode* ZSetValue::last_in(const ScoreRange& range) const {
    if (size_ == 0 || range.empty() || !range.above_min(tail_->score_) || !range.below_max(first()->score_))
        return nullptr;
    const ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i)
        for (const ZSetNode* f; (f = p->levels()[i].forward) && range.below_max(f->score_);) p = f;
    return p != header_ && range.above_min(p->score_) ? p : nullptr;
}

const ZSetNode* ZSetValue::first_in(const LexRange& range) const {
    if (size_ == 0 || range.empty() || !range.above_min(tail_->member()) || !range.below_max(first()->member()))
        return nullptr;
    const ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i)
        for (const ZSetNode* f; (f = p->levels()[i].forward) && !range.above_min(f->member());) p = f;
    const ZSetNode* x = p->levels()[0].forward;
    return x && range.below_max(x->member()) ? x : nullptr;
}

const ZSetNode* ZSetValue::last_in(const LexRange& range) const {
    if (size_ == 0 || range.empty() || !range.above_min(tail_->member()) || !range.below_max(first()->member()))
        return nullptr;
    const ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i)
        for (const ZSetNode* f; (f = p->levels()[i].forward) && range.below_max(f->member());) p = f;
    return p != header_ && range.above_min(p->member()) ? p : nullptr;
}

// --- bulk removal ---------------------------------------------------------------------------

// Deletes consecutive nodes from update[0]'s successor on while `inside(node)` holds; after
// each unlink `update` still holds the predecessors of the next node (Redis does the same).
template <class Inside>
std::size_t ZSetValue::erase_while(ZSetNode** update, Inside&& inside) {
    std::size_t removed = 0;
    ZSetNode* x = update[0]->levels()[0].forward;
    while (x && inside(x)) {
        ZSetNode* next = x->levels()[0].forward;
        unlink(x, update);
        hash_remove(x);
        release(x);
        ++removed;
        x = next;
    }
    return removed;
}

std::size_t ZSetValue::erase_ranks(std::size_t start, std::size_t end) {
    if (size_ == 0 || start > end || start >= size_) return 0;
    ZSetNode* update[kMaxLevel];
    std::size_t traversed = 0;
    ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i) {
        for (ZSetNode* f; (f = p->levels()[i].forward) && traversed + p->levels()[i].span < start + 1;) {
            traversed += p->levels()[i].span;
            p = f;
        }
        update[i] = p;
    }
    std::size_t position = start;   // 0-based rank of the next node looked at
    return erase_while(update, [&](const ZSetNode*) { return position++ <= end; });
}

std::size_t ZSetValue::erase_range(const ScoreRange& range) {
    if (size_ == 0 || range.empty()) return 0;
    ZSetNode* update[kMaxLevel];
    ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i) {
        for (ZSetNode* f; (f = p->levels()[i].forward) && !range.above_min(f->score_);) p = f;
        update[i] = p;
    }
    return erase_while(update, [&](const ZSetNode* n) { return range.below_max(n->score_); });
}

std::size_t ZSetValue::erase_range(const LexRange& range) {
    if (size_ == 0 || range.empty()) return 0;
    ZSetNode* update[kMaxLevel];
    ZSetNode* p = header_;
    for (int i = level_ - 1; i >= 0; --i) {
        for (ZSetNode* f; (f = p->levels()[i].forward) && !range.above_min(f->member());) p = f;
        update[i] = p;
    }
    return erase_while(update, [&](const ZSetNode* n) { return range.below_max(n->member()); });
}

std::size_t ZSetValue::allocated_bytes(std::size_t samples) const {
    memory::ElementSampler sampler(samples);
    for (const ZSetNode* n = first(); n && sampler.wants_more(); n = n->next()) sampler.add(memory::block_size(n));
    std::size_t bytes = sampler.estimate(size_);
    if (header_) bytes += memory::block_size(header_);
    if (!buckets_.empty()) bytes += memory::block_size(buckets_.data());
    return bytes;
}

}  // namespace corokv

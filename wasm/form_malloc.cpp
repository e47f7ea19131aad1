// The form module's allocator: blocks of power-of-two sizes, each size with its own free list,
// carved from the end of the heap and never returned to it.
//
// Why not Emscripten's emmalloc: this is about 800 bytes smaller gzipped (bench/RESULTS.md),
// and the form's use of memory suits it. A form loads a model once and then decides the same
// kind of request again and again, so the blocks a call frees are the sizes the next call asks
// for, and the heap stops growing after the first calls (tests/js/api.test.mjs checks this).
// Rounding up to a power of two costs at most half of each block, on a heap of a few hundred
// kilobytes. The tools module and the playground, which allocate far more and far more
// variously, keep emmalloc and dlmalloc.
#include <emscripten/heap.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" unsigned char __heap_base;  // the linker's first free byte after static data

namespace {

// A block starts with a header holding its size class; the caller's bytes follow, aligned to 16
// as max_align_t requires. A free block keeps the next free block of its class in its header.
constexpr std::size_t kHeader = 16;
constexpr int kSmallestClass = 5;  // 32-byte blocks
constexpr int kLargestClass = 31;
void* free_blocks[kLargestClass + 1];
std::uintptr_t heap_end = 0;

int size_class(std::size_t bytes) {
    int c = kSmallestClass;
    while ((std::size_t{1} << c) < bytes + kHeader) ++c;
    return c;
}

// Takes `bytes` from the end of the heap, growing the memory through Emscripten (which also
// renews the JavaScript views of it); null when the browser refuses more memory.
void* take(std::size_t bytes) {
    if (!heap_end) heap_end = (reinterpret_cast<std::uintptr_t>(&__heap_base) + kHeader - 1) & ~(kHeader - 1);
    std::uintptr_t start = heap_end;
    std::uintptr_t end = start + bytes;
    if (end > __builtin_wasm_memory_size(0) * 65536 && !emscripten_resize_heap(end)) return nullptr;
    heap_end = end;
    return reinterpret_cast<void*>(start);
}

int& class_of_block(void* block) { return *static_cast<int*>(block); }
void*& next_free(void* block) { return *static_cast<void**>(block); }

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
    if (size > (std::size_t{1} << (kLargestClass - 1))) return nullptr;
    int c = size_class(size);
    void* block = free_blocks[c];
    if (block) {
        free_blocks[c] = next_free(block);
    } else {
        block = take(std::size_t{1} << c);
        if (!block) return nullptr;
    }
    class_of_block(block) = c;
    return static_cast<char*>(block) + kHeader;
}

void free(void* pointer) {
    if (!pointer) return;
    void* block = static_cast<char*>(pointer) - kHeader;
    int c = class_of_block(block);
    next_free(block) = free_blocks[c];
    free_blocks[c] = block;
}

void* calloc(std::size_t count, std::size_t size) {
    if (size && count > SIZE_MAX / size) return nullptr;
    void* pointer = malloc(count * size);
    if (pointer) std::memset(pointer, 0, count * size);
    return pointer;
}

void* realloc(void* pointer, std::size_t size) {
    if (!pointer) return malloc(size);
    std::size_t capacity = (std::size_t{1} << class_of_block(static_cast<char*>(pointer) - kHeader)) - kHeader;
    if (size <= capacity) return pointer;
    void* bigger = malloc(size);
    if (!bigger) return nullptr;
    std::memcpy(bigger, pointer, capacity);
    free(pointer);
    return bigger;
}

// Blocks are aligned to 16 bytes, and nothing in the core asks for more (no over-aligned
// types); a larger alignment is refused, as an allocation that failed. Linked without LTO,
// libc++'s aligned operator new refers to these.
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
    if (alignment > kHeader) return ENOMEM;
    void* pointer = malloc(size);
    if (!pointer) return ENOMEM;
    *out = pointer;
    return 0;
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
    void* pointer = nullptr;
    return posix_memalign(&pointer, alignment, size) == 0 ? pointer : nullptr;
}

void* memalign(std::size_t alignment, std::size_t size) { return aligned_alloc(alignment, size); }

}  // extern "C"

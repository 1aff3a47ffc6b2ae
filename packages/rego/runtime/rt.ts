// AssemblyScript runtime for policy modules (passed to asc as `--runtime <this file>`).
//
// One bump allocator serves everything: AssemblyScript objects (__new), raw blocks
// (__alloc, used by the OPA ABI's opa_malloc) and the host's writes. Nothing is ever
// freed; the host rewinds the heap between evaluations with opa_heap_ptr_set (or
// opa_eval's heapPtr argument), exactly like OPA's own Wasm runtime.
//
// Memory is imported (env.memory, created by the host). The allocator grows it on
// demand and never caches its size, because the host grows it too (to write input).
//
// Layouts (what AssemblyScript's standard library expects in front of a pointer):
//   raw block:    [u32 payloadSize] payload...
//   object:       [u32 mmInfo][u32 gcInfo][u32 gcInfo2][u32 rtId][u32 rtSize] payload...
// Payloads are 8-byte aligned. Because asc treats a custom runtime like the incremental
// GC (ASC_RUNTIME), the standard library assumes __new and __renew return zeroed
// memory: both zero what they hand out.
//
// Globals other modules use (declared @global so no wasm export is created):
//   __rt_heap_get(): usize, __rt_heap_set(p: usize)

// @ts-ignore: decorator
@inline const RT_ALIGN: usize = 7;
// @ts-ignore: decorator
@inline const RT_OBJ_HEADER: usize = 20;
// @ts-ignore: decorator
@inline const RT_MAX_SIZE: usize = 1 << 30;

// Next free byte. 0 until first use, then right after static data (__heap_base). Lazily
// initialised so that allocations made by other files' global initialisers in the start
// function never see an uninitialised heap pointer, whatever the initialisation order.
let rtHeap: usize = 0;

// @ts-ignore: decorator
@inline function rtTop(): usize {
  let h = rtHeap;
  if (h == 0) h = (__heap_base + RT_ALIGN) & ~RT_ALIGN;
  return h;
}

// Known memory size in bytes: a lower bound (memory only grows, the host grows it too), so a
// stale value only costs a refresh.
let rtLimit: usize = 0;

function rtGrow(end: usize): void {
  let pages = memory.size();
  let have = <usize>pages << 16;
  rtLimit = have;
  if (end <= have) return;
  let need = <i32>((end - have + 0xffff) >>> 16);
  // Grow by at least half of the current size to amortise, by what is needed if that fails.
  let extra = pages >> 1;
  let want = need > extra ? need : extra;
  if (memory.grow(want) < 0) {
    if (memory.grow(need) < 0) unreachable(); // out of memory
  }
  rtLimit = <usize>memory.size() << 16;
}

// @ts-ignore: decorator
@inline function rtEnsure(end: usize): void {
  if (end > rtLimit) rtGrow(end);
}

// @ts-ignore: decorator
@global @unsafe
function __rt_heap_get(): usize {
  return rtTop();
}

// @ts-ignore: decorator
@global @unsafe
function __rt_heap_set(p: usize): void {
  rtHeap = p;
}

// @ts-ignore: decorator
@global @unsafe
function __alloc(size: usize): usize {
  if (size > RT_MAX_SIZE) unreachable();
  let ptr = (rtTop() + 4 + RT_ALIGN) & ~RT_ALIGN;
  let end = ptr + size;
  rtEnsure(end);
  rtHeap = end;
  store<u32>(ptr - 4, <u32>size);
  return ptr;
}

// @ts-ignore: decorator
@global @unsafe
function __realloc(ptr: usize, size: usize): usize {
  if (size > RT_MAX_SIZE) unreachable();
  let old = <usize>load<u32>(ptr - 4);
  if (ptr + old == rtHeap) {
    // last block: resize in place
    let end = ptr + size;
    rtEnsure(end);
    rtHeap = end;
    store<u32>(ptr - 4, <u32>size);
    return ptr;
  }
  if (size <= old) {
    store<u32>(ptr - 4, <u32>size);
    return ptr;
  }
  let n = __alloc(size);
  memory.copy(n, ptr, old);
  return n;
}

// @ts-ignore: decorator
@global @unsafe
function __free(ptr: usize): void {
  // never frees: the heap is rewound as a whole by the host
}

// @ts-ignore: decorator
@global @unsafe
function __new(size: usize, id: u32): usize {
  if (size > RT_MAX_SIZE) unreachable();
  let ptr = (rtTop() + RT_OBJ_HEADER + RT_ALIGN) & ~RT_ALIGN;
  let end = ptr + size;
  let words = (size + 7) & ~7;
  rtEnsure(ptr + words);
  rtHeap = end;
  store<u32>(ptr - 20, <u32>(size + 16));
  store<u64>(ptr - 16, 0);
  store<u32>(ptr - 8, id);
  store<u32>(ptr - 4, <u32>size);
  rtZero(ptr, words);
  return ptr;
}

// Zeroes n bytes (a multiple of 8) at p (8-aligned). Small objects are the common case and a
// few stores beat the memory.fill call. The bytes past the object's end up to the next 8
// belong to the free area (the next allocation is 8-aligned), so writing them is harmless.
// @ts-ignore: decorator
@inline function rtZero(p: usize, n: usize): void {
  if (n <= 64) {
    let e = p + n;
    while (p < e) {
      store<u64>(p, 0);
      p += 8;
    }
  } else {
    memory.fill(p, 0, n);
  }
}

// @ts-ignore: decorator
@global @unsafe
function __renew(ptr: usize, size: usize): usize {
  if (size > RT_MAX_SIZE) unreachable();
  let old = <usize>load<u32>(ptr - 4);
  if (ptr + old == rtHeap) {
    // last object: resize in place
    let end = ptr + size;
    rtEnsure(end);
    if (size > old) memory.fill(ptr + old, 0, size - old);
    rtHeap = end;
    store<u32>(ptr - 20, <u32>(size + 16));
    store<u32>(ptr - 4, <u32>size);
    return ptr;
  }
  if (size <= old) {
    store<u32>(ptr - 4, <u32>size);
    return ptr;
  }
  let n = __new(size, load<u32>(ptr - 8));
  memory.copy(n, ptr, old);
  return n;
}

// @ts-ignore: decorator
@global @unsafe
function __link(parentPtr: usize, childPtr: usize, expectMultiple: bool): void {
  // no GC: nothing to record
}

// @ts-ignore: decorator
@global @unsafe
function __pin(ptr: usize): usize {
  return ptr;
}

// @ts-ignore: decorator
@global @unsafe
function __unpin(ptr: usize): void {
  // no GC
}

// @ts-ignore: decorator
@global @unsafe
function __collect(): void {
  // no GC
}

// @ts-ignore: decorator
@global @unsafe
function __visit(ptr: usize, cookie: u32): void {
  // no GC
}

// The form module's Embind type registrations: only the types its bindings use (void, int,
// std::string).
//
// Embind's own registration (__embind_register_native_and_builtin_types in its bind.cpp, a
// global constructor) also registers every integer width, float, double, int64, the wide
// strings, emscripten::val and seventeen memory views. Each registration imports a JavaScript
// function, so the glue kept the code for all of them: UTF-16 and UTF-32 converters, typed-array
// views, BigInt handling. The form module links Embind's JavaScript libraries but not bind.cpp
// (wasm/CMakeLists.txt): this file defines bind.cpp's two symbols instead, and the unused
// JavaScript is dropped (bench/RESULTS.md has the bytes). The tools module keeps --bind and
// Embind's registration: it passes memory views and emscripten::val.
//
// This depends on Embind's internals as in Emscripten 3.1.6 (Debian bookworm); a binding with a
// type not registered here fails at load with Embind's "unbound types" error, which the wasm
// tests would show.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

extern "C" {

// The name Embind prints for a type in its errors (the caller frees it). The form module is
// built without RTTI (EMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0), so a type is known only by the
// address Embind gives it, and that is its name, as in Embind's own bind.cpp.
EMSCRIPTEN_KEEPALIVE const char* __getTypeName(const void* type) {
    char name[16] = "0x";
    auto address = reinterpret_cast<std::uintptr_t>(type);
    for (int shift = 28, at = 2; shift >= 0; shift -= 4) name[at++] = "0123456789abcdef"[(address >> shift) & 15];
    return strdup(name);
}

EMSCRIPTEN_KEEPALIVE __attribute__((constructor)) void __embind_register_native_and_builtin_types() {
    using namespace emscripten::internal;
    _embind_register_void(TypeID<void>::get(), "void");
    _embind_register_integer(TypeID<int>::get(), "int", sizeof(int), std::numeric_limits<int>::min(),
                             std::numeric_limits<int>::max());
    _embind_register_std_string(TypeID<std::string>::get(), "std::string");
}

}  // extern "C"

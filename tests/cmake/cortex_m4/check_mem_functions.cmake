# Checks where the C memory functions of the Cortex-M4 image full_api.elf
# (tests/cmake/cortex_m4/CMakeLists.txt) come from:
#
#   cmake -DELF=<full_api.elf> -DMAP=<full_api.map> -DNM=<nm>
#         -DEXPECT=c_library|compiler_builtins [-DSIZE=<size> -DIMAGES=<elf;...>]
#         -P check_mem_functions.cmake
#
# (SIZE and IMAGES: first prints the sizes of the project's images.)
#
# c_library: a GNU ld map; every memory function the linker took from an
# archive for the image (memcpy, memset, memcmp, __aeabi_mem*, ...) must be a
# member of the C library (libc.a / libc_nano.a), at least memcpy and one
# __aeabi_mem* function, which the library calls, must be among them, and the image
# must hold none of compiler_builtins' memory functions.
# compiler_builtins: the image (linked without a C library) must hold
# compiler_builtins' memcpy.
cmake_minimum_required(VERSION 3.16)

foreach(variable ELF NM EXPECT)
    if(NOT DEFINED ${variable} OR "${${variable}}" STREQUAL "")
        message(FATAL_ERROR "check_mem_functions.cmake: ${variable} is not set")
    endif()
endforeach()

if(DEFINED SIZE AND NOT SIZE STREQUAL "")
    execute_process(COMMAND "${SIZE}" ${IMAGES} "${ELF}" RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "check_mem_functions.cmake: ${SIZE} failed: ${result}")
    endif()
endif()

execute_process(COMMAND "${NM}" "${ELF}" OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "check_mem_functions.cmake: ${NM} ${ELF} failed: ${result}")
endif()
# compiler_builtins' memory functions, by their mangled names
# (compiler_builtins::mem::memcpy, compiler_builtins::arm::__aeabi_memclr).
string(REGEX MATCHALL "[^\n ]*compiler_builtins(3mem[0-9]+mem|3arm[0-9]+___aeabi_mem)[^\n ]*"
    builtins_mem "${symbols}")

if(EXPECT STREQUAL "compiler_builtins")
    if(NOT symbols MATCHES "compiler_builtins3mem6memcpy")
        message(FATAL_ERROR "${ELF} has no compiler_builtins memcpy although no C library is linked:\n${symbols}")
    endif()
    message(STATUS "memcpy from compiler_builtins (no C library): ${builtins_mem}")
    return()
elseif(NOT EXPECT STREQUAL "c_library")
    message(FATAL_ERROR "check_mem_functions.cmake: EXPECT must be c_library or compiler_builtins")
endif()

if(builtins_mem)
    message(FATAL_ERROR "${ELF} holds compiler_builtins' memory functions although the C library provides them: ${builtins_mem}")
endif()
file(READ "${MAP}" map)
# GNU ld's map starts with "Archive member included to satisfy reference by
# file (symbol)": the member on one line, then the referencing file and the
# symbol in parentheses on the next.
string(REGEX MATCHALL "[^\n]+\n[ \t]+[^\n]+ \\((memcpy|memmove|memset|memcmp|bcmp|strlen|__aeabi_mem[a-z]+[48]?)\\)"
    included "${map}")
set(found "")
foreach(entry IN LISTS included)
    string(REGEX MATCH "^([^\n]+)\n[ \t]+[^\n]+ \\(([^)]+)\\)$" _ "${entry}")
    set(member "${CMAKE_MATCH_1}")
    set(symbol "${CMAKE_MATCH_2}")
    if(NOT member MATCHES "/libc(_nano)?\\.a\\([^)]+\\)$")
        message(FATAL_ERROR "${symbol} comes from ${member}, not from the C library")
    endif()
    message(STATUS "${symbol}: ${member}")
    list(APPEND found "${symbol}")
endforeach()
# Which __aeabi_mem* variants the compiler emits changes with the code (the
# memclr of a zeroed buffer comes and goes), so any one of them will do.
if(NOT "memcpy" IN_LIST found)
    message(FATAL_ERROR "${MAP} shows no C library member for memcpy (found: ${found})")
endif()
if(NOT found MATCHES "(^|;)__aeabi_mem")
    message(FATAL_ERROR "${MAP} shows no C library member for an __aeabi_mem* function (found: ${found})")
endif()

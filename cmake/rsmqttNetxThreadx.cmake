# The ThreadX port of rsmqtt's NetX Duo face, for a ThreadX application's
# CMake build:
#
#   include(path/to/rsmqtt/cmake/rsmqttNetxThreadx.cmake)
#   rsmqtt_netx_threadx_port(mqtt_client
#       LINK_LIBRARIES azrtos::netxduo            # the application's NetX Duo (and ThreadX)
#       [COMPILE_DEFINITIONS NX_SECURE_ENABLE ...] # configuration both sides must see
#       [RUST_TARGET i686-unknown-linux-gnu])     # default: RSMQTT_NETX_THREADX_RUST_TARGET
#   target_link_libraries(app PRIVATE mqtt_client)
#
# makes <target> a static library that provides nxd_mqtt_client_* for the
# application: ports/threadx/rsmqtt_nxd_mqtt_threadx.c compiled with the
# application's NetX Duo/ThreadX headers and flags (that C file is the only
# code that calls tx_*, nx_* and nx_secure_*), our nxd_mqtt_client.h ahead of
# NetX Duo's addons/mqtt on the include path, and the Rust codec (librsmqtt.a
# built by cargo with --no-default-features --features netx-threadx, profile
# `threadx`, which exports rsmqtt_nxd_* and no ThreadX/NetX symbol).
# COMPILE_DEFINITIONS are PUBLIC: the C glue and every target linking <target>
# see the same NX_SECURE_ENABLE, NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH, ...,
# so NXD_MQTT_CLIENT has one layout on both sides.
#
# Cache variables: RSMQTT_NETX_THREADX_RUST_TARGET (Rust triple; empty = the
# host), RSMQTT_NETX_THREADX_CARGO_PROFILE (default threadx: panic = abort),
# RSMQTT_NETX_THREADX_CARGO_TARGET_DIR (empty: $CARGO_TARGET_DIR at configure
# time, else <rsmqtt>/target; cargo is always given the one chosen here),
# RSMQTT_NETX_THREADX_MEM_FROM_C_LIBRARY (see below).
include_guard(GLOBAL)

get_filename_component(RSMQTT_NETX_THREADX_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(RSMQTT_NETX_THREADX_RUST_TARGET "" CACHE STRING
    "Rust target triple of the ThreadX port's codec (e.g. i686-unknown-linux-gnu for -m32, thumbv7em-none-eabihf); empty: the host")
set(RSMQTT_NETX_THREADX_CARGO_PROFILE "threadx" CACHE STRING "cargo profile of the ThreadX port's codec")
set(RSMQTT_NETX_THREADX_CARGO_TARGET_DIR "" CACHE PATH
    "cargo target directory of the ThreadX port's codec; empty: $CARGO_TARGET_DIR, else <rsmqtt>/target")

# A no_std archive carries compiler_builtins' memcpy, memset, memcmp and the
# ARM EABI __aeabi_mem* functions; listed before the C library on the link
# line, they would replace the firmware's own (newlib's are smaller: memcpy
# 308 bytes against 730 on a Cortex-M) and the image would carry both sets.
# With RSMQTT_NETX_THREADX_MEM_FROM_C_LIBRARY (default: ON for a bare-metal
# cross build with an objcopy that reads the target's objects) the codec
# archive is linked from a copy in which those names are local, as
# RSMQTT_MEM_FROM_C_LIBRARY does for librsmqtt.a. A firmware linked without
# any C library needs it OFF.
find_program(RSMQTT_NETX_THREADX_OBJCOPY NAMES llvm-objcopy)
if(NOT RSMQTT_NETX_THREADX_OBJCOPY AND CMAKE_CROSSCOMPILING AND CMAKE_OBJCOPY)
    set(RSMQTT_NETX_THREADX_OBJCOPY "${CMAKE_OBJCOPY}" CACHE FILEPATH
        "objcopy that reads the codec archive's objects" FORCE)
endif()
set(_rsmqtt_netx_threadx_mem_default OFF)
if(CMAKE_CROSSCOMPILING AND CMAKE_SYSTEM_NAME STREQUAL "Generic" AND RSMQTT_NETX_THREADX_OBJCOPY)
    set(_rsmqtt_netx_threadx_mem_default ON)
endif()
set(RSMQTT_NETX_THREADX_MEM_FROM_C_LIBRARY ${_rsmqtt_netx_threadx_mem_default} CACHE BOOL
    "Bare-metal builds: the codec takes memcpy, memset, memcmp, __aeabi_mem* from the firmware's C library")
set(_rsmqtt_netx_threadx_mem_symbols memcpy memmove memset memcmp bcmp strlen)
foreach(operation memcpy memmove memset memclr)
    list(APPEND _rsmqtt_netx_threadx_mem_symbols
        __aeabi_${operation} __aeabi_${operation}4 __aeabi_${operation}8)
endforeach()

function(rsmqtt_netx_threadx_port target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "RUST_TARGET" "LINK_LIBRARIES;COMPILE_DEFINITIONS")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "rsmqtt_netx_threadx_port: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT arg_LINK_LIBRARIES)
        message(FATAL_ERROR "rsmqtt_netx_threadx_port(${target}): give LINK_LIBRARIES (the application's NetX Duo/ThreadX targets)")
    endif()
    set(triple "${RSMQTT_NETX_THREADX_RUST_TARGET}")
    if(arg_RUST_TARGET)
        set(triple "${arg_RUST_TARGET}")
    endif()

    find_program(RSMQTT_CARGO cargo HINTS "$ENV{CARGO_HOME}/bin" "$ENV{HOME}/.cargo/bin")
    if(NOT RSMQTT_CARGO)
        message(FATAL_ERROR "rsmqtt: cargo not found (https://rustup.rs)")
    endif()
    if(RSMQTT_NETX_THREADX_CARGO_TARGET_DIR)
        set(target_dir "${RSMQTT_NETX_THREADX_CARGO_TARGET_DIR}")
    elseif(DEFINED ENV{CARGO_TARGET_DIR})
        set(target_dir "$ENV{CARGO_TARGET_DIR}")
    else()
        set(target_dir "${RSMQTT_NETX_THREADX_ROOT}/target")
    endif()
    set(profile "${RSMQTT_NETX_THREADX_CARGO_PROFILE}")
    if(triple STREQUAL "")
        set(archive "${target_dir}/${profile}/librsmqtt.a")
        set(triple_args)
        set(key host)
    else()
        set(archive "${target_dir}/${triple}/${profile}/librsmqtt.a")
        set(triple_args --target "${triple}")
        string(MAKE_C_IDENTIFIER "${triple}" key)
    endif()

    # One cargo step and one imported archive per Rust target.
    set(cargo_target "rsmqtt_netx_threadx_cargo_${key}")
    set(rust_lib "rsmqtt_netx_threadx_codec_${key}")
    if(NOT TARGET ${cargo_target})
        add_custom_target(${cargo_target}
            COMMAND "${RSMQTT_CARGO}" build
                    --manifest-path "${RSMQTT_NETX_THREADX_ROOT}/Cargo.toml"
                    --package rsmqtt-staticlib --lib --no-default-features --features netx-threadx
                    --profile "${profile}" ${triple_args} --target-dir "${target_dir}"
            BYPRODUCTS "${archive}"
            WORKING_DIRECTORY "${RSMQTT_NETX_THREADX_ROOT}"
            COMMENT "cargo build rsmqtt codec (netx-threadx, ${profile}, ${key})"
            USES_TERMINAL
            VERBATIM)
        add_library(${rust_lib} STATIC IMPORTED GLOBAL)
        set(linked "${archive}")
        if(RSMQTT_NETX_THREADX_MEM_FROM_C_LIBRARY AND NOT triple STREQUAL "")
            # A copy of the archive in which compiler_builtins' memcpy,
            # memset, ... are local: the firmware's C library provides them
            # (see RSMQTT_NETX_THREADX_MEM_FROM_C_LIBRARY above).
            set(linked "${CMAKE_BINARY_DIR}/rsmqtt_netx_threadx/${key}/librsmqtt_codec.a")
            set(symbols_file "${CMAKE_BINARY_DIR}/rsmqtt_netx_threadx/mem.symbols")
            string(REPLACE ";" "\n" symbol_lines "${_rsmqtt_netx_threadx_mem_symbols}")
            file(WRITE "${symbols_file}" "${symbol_lines}\n")
            file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/rsmqtt_netx_threadx/${key}")
            add_custom_command(OUTPUT "${linked}"
                COMMAND "${RSMQTT_NETX_THREADX_OBJCOPY}" "--localize-symbols=${symbols_file}"
                        "${archive}" "${linked}"
                DEPENDS "${archive}" ${cargo_target} "${symbols_file}"
                COMMENT "rsmqtt codec (${key}): memory functions from the C library"
                VERBATIM)
            add_custom_target(${cargo_target}_mem DEPENDS "${linked}")
            add_dependencies(${rust_lib} ${cargo_target}_mem)
        endif()
        set_target_properties(${rust_lib} PROPERTIES IMPORTED_LOCATION "${linked}")
        add_dependencies(${rust_lib} ${cargo_target})
    endif()
    get_target_property(linked ${rust_lib} IMPORTED_LOCATION)

    add_library(${target} STATIC "${RSMQTT_NETX_THREADX_ROOT}/ports/threadx/rsmqtt_nxd_mqtt_threadx.c")
    # Ahead of NetX Duo's addons/mqtt, which its own targets put on the path.
    target_include_directories(${target} BEFORE PUBLIC "${RSMQTT_NETX_THREADX_ROOT}/ports/threadx/include")
    if(arg_COMPILE_DEFINITIONS)
        target_compile_definitions(${target} PUBLIC ${arg_COMPILE_DEFINITIONS})
    endif()
    target_link_libraries(${target} PUBLIC ${arg_LINK_LIBRARIES} ${rust_lib})
    # For checks such as scripts/check-port-symbols.sh.
    set_target_properties(${target} PROPERTIES RSMQTT_CODEC_ARCHIVE "${linked}")
endfunction()

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
# time, else <rsmqtt>/target; cargo is always given the one chosen here).
include_guard(GLOBAL)

get_filename_component(RSMQTT_NETX_THREADX_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(RSMQTT_NETX_THREADX_RUST_TARGET "" CACHE STRING
    "Rust target triple of the ThreadX port's codec (e.g. i686-unknown-linux-gnu for -m32, thumbv7em-none-eabihf); empty: the host")
set(RSMQTT_NETX_THREADX_CARGO_PROFILE "threadx" CACHE STRING "cargo profile of the ThreadX port's codec")
set(RSMQTT_NETX_THREADX_CARGO_TARGET_DIR "" CACHE PATH
    "cargo target directory of the ThreadX port's codec; empty: $CARGO_TARGET_DIR, else <rsmqtt>/target")

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
        set_target_properties(${rust_lib} PROPERTIES IMPORTED_LOCATION "${archive}")
        add_dependencies(${rust_lib} ${cargo_target})
    endif()

    add_library(${target} STATIC "${RSMQTT_NETX_THREADX_ROOT}/ports/threadx/rsmqtt_nxd_mqtt_threadx.c")
    # Ahead of NetX Duo's addons/mqtt, which its own targets put on the path.
    target_include_directories(${target} BEFORE PUBLIC "${RSMQTT_NETX_THREADX_ROOT}/ports/threadx/include")
    if(arg_COMPILE_DEFINITIONS)
        target_compile_definitions(${target} PUBLIC ${arg_COMPILE_DEFINITIONS})
    endif()
    target_link_libraries(${target} PUBLIC ${arg_LINK_LIBRARIES} ${rust_lib})
    # For checks such as scripts/check-port-symbols.sh.
    set_target_properties(${target} PROPERTIES RSMQTT_CODEC_ARCHIVE "${archive}")
endfunction()

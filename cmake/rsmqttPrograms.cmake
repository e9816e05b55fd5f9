# rsmqtt's own C programs and checks, registered with CTest. Included by the
# top-level CMakeLists.txt only when RSMQTT_BUILD_EXAMPLES or
# RSMQTT_BUILD_TESTS is on; RSMQTT_SOURCE_DIR is the repository root.
#
# Convention for the .c files in c_examples/ and tests/c/
# -------------------------------------------------------
# Every <name>.c is one program: target <prefix><name>, test <dir>/<name>,
# linked to rsmqtt::rsmqtt, rsmqtt::transports_posix and rsmqtt::backoff
# (the programs use the SDK-style transports and backoff), compiled as C11 with -Wall -Wextra (and -Werror
# when RSMQTT_WARNINGS_AS_ERRORS is on). `<dir>/config/` and `<dir>/` itself
# are on the include path (e.g. c_examples/config/core_mqtt_config.h). The test
# runs from the repository root and passes when the program exits 0.
#
# A program changes how it is run with marker lines anywhere in the file,
# usually in a comment right after the file's header comment:
#
#   // rsmqtt-ctest: with-broker
#       Runs as `scripts/with-broker.sh <program>`: the script starts Mosquitto
#       (plain and mutual-TLS listeners, with fresh certificates), exports
#       RSMQTT_BROKER_HOST, RSMQTT_BROKER_PORT, RSMQTT_BROKER_TLS_PORT,
#       RSMQTT_CA, RSMQTT_CLIENT_CERT and RSMQTT_CLIENT_KEY, runs the program
#       and stops the broker. The test gets the label `broker`.
#   // rsmqtt-ctest: build-only
#       Compiled but not run (e.g. needs hardware or a cloud endpoint).
#   // rsmqtt-ctest: timeout <seconds>
#       Overrides the default timeout of 120 seconds.
#   // rsmqtt-ctest: run-with <arguments>
#       Passes the arguments (the rest of the line, split at spaces) to the
#       program in every test of it (plain, Valgrind and sanitizer runs),
#       e.g. a shortened form of a long run.
#   // rsmqtt-ctest: memcheck
#       With RSMQTT_MEMCHECK on, also run a broker program under Valgrind
#       (programs without a broker always get the Valgrind run; broker
#       programs opt in because Valgrind slows TLS handshakes a lot).
#
# With RSMQTT_MEMCHECK on (and valgrind installed) each program also gets a
# test memcheck/<dir>/<name> (label `memcheck`) that fails on any memory error
# or definite leak, in the C code and in the Rust library alike.
#
# With RSMQTT_SANITIZERS on, every program that runs is also built with
# AddressSanitizer, LeakSanitizer and UBSan as <name>_asan and run as the
# test asan/<dir>/<name> (label `asan`), which fails on any finding. This is
# the memory check of the TLS programs too, where Valgrind reports false
# positives inside ring's assembly.
#
# Markers are read when CMake configures; the glob uses CONFIGURE_DEPENDS and
# every program is a configure dependency, so a new file or a changed marker
# is picked up by the next build. Programs land in <build>/<dir>/<name>.

include_guard(GLOBAL)

set(RSMQTT_TEST_TIMEOUT 120)

if(RSMQTT_MEMCHECK)
    find_program(RSMQTT_VALGRIND valgrind)
    if(NOT RSMQTT_VALGRIND)
        message(FATAL_ERROR "RSMQTT_MEMCHECK is on but valgrind is not installed")
    endif()
endif()

# Compile options of rsmqtt's own C programs.
function(rsmqtt_program_warnings target)
    if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra)
        if(RSMQTT_WARNINGS_AS_ERRORS)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
endfunction()

# rsmqtt_add_c_programs(DIRECTORY <dir> TARGET_PREFIX <p> TEST_PREFIX <t>)
# Builds every <dir>/*.c as a program and registers it as a test (see above).
function(rsmqtt_add_c_programs)
    cmake_parse_arguments(ARG "" "DIRECTORY;TARGET_PREFIX;TEST_PREFIX" "" ${ARGN})
    file(GLOB sources CONFIGURE_DEPENDS "${ARG_DIRECTORY}/*.c")
    list(SORT sources)
    find_program(RSMQTT_BASH bash)
    foreach(source IN LISTS sources)
        get_filename_component(name "${source}" NAME_WE)
        set(target "${ARG_TARGET_PREFIX}${name}")
        set(test "${ARG_TEST_PREFIX}${name}")

        add_executable(${target} "${source}")
        file(RELATIVE_PATH relative_dir "${RSMQTT_SOURCE_DIR}" "${ARG_DIRECTORY}")
        set_target_properties(${target} PROPERTIES
            OUTPUT_NAME "${name}"
            RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/${relative_dir}"
            C_STANDARD 11
            C_STANDARD_REQUIRED ON)
        target_include_directories(${target} PRIVATE "${ARG_DIRECTORY}")
        if(IS_DIRECTORY "${ARG_DIRECTORY}/config")
            target_include_directories(${target} PRIVATE "${ARG_DIRECTORY}/config")
        endif()
        target_link_libraries(${target} PRIVATE rsmqtt::rsmqtt rsmqtt::transports_posix rsmqtt::backoff)
        rsmqtt_program_warnings(${target})

        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${source}")
        file(READ "${source}" text)
        if(text MATCHES "rsmqtt-ctest:[ \t]*build-only")
            continue()
        endif()
        set(command "$<TARGET_FILE:${target}>")
        set(labels "")
        if(text MATCHES "rsmqtt-ctest:[ \t]*with-broker")
            set(script "${RSMQTT_SOURCE_DIR}/scripts/with-broker.sh")
            if(NOT EXISTS "${script}")
                message(FATAL_ERROR "${source} needs a broker (rsmqtt-ctest: with-broker) but ${script} is missing")
            endif()
            set(command "${RSMQTT_BASH}" "${script}" "$<TARGET_FILE:${target}>")
            set(labels "broker")
        endif()
        set(timeout ${RSMQTT_TEST_TIMEOUT})
        if(text MATCHES "rsmqtt-ctest:[ \t]*timeout[ \t]+([0-9]+)")
            set(timeout "${CMAKE_MATCH_1}")
        endif()
        # Arguments after the program, in every test of it.
        set(run_args "")
        if(text MATCHES "rsmqtt-ctest:[ \t]*run-with[ \t]+([^\r\n]*)")
            string(STRIP "${CMAKE_MATCH_1}" run_args)
            separate_arguments(run_args UNIX_COMMAND "${run_args}")
        endif()
        add_test(NAME "${test}" COMMAND ${command} ${run_args} WORKING_DIRECTORY "${RSMQTT_SOURCE_DIR}")
        set_tests_properties("${test}" PROPERTIES TIMEOUT ${timeout} LABELS "c;${labels}")

        # AddressSanitizer + UBSan build of the same program, for every
        # program: the only memory check of the TLS programs (ring's AES-GCM
        # assembly gives Valgrind false "uninitialised value" reports) and a
        # second one, with UBSan, of the others. LeakSanitizer covers every
        # allocation, the Rust library's included.
        if(RSMQTT_SANITIZERS)
            add_executable(${target}_asan "${source}")
            set_target_properties(${target}_asan PROPERTIES
                OUTPUT_NAME "${name}_asan"
                RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/${relative_dir}"
                C_STANDARD 11
                C_STANDARD_REQUIRED ON)
            target_include_directories(${target}_asan PRIVATE "${ARG_DIRECTORY}")
            if(IS_DIRECTORY "${ARG_DIRECTORY}/config")
                target_include_directories(${target}_asan PRIVATE "${ARG_DIRECTORY}/config")
            endif()
            set(sanitize -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
            target_compile_options(${target}_asan PRIVATE ${sanitize} -g)
            target_link_options(${target}_asan PRIVATE ${sanitize})
            target_link_libraries(${target}_asan PRIVATE rsmqtt::rsmqtt rsmqtt::transports_posix rsmqtt::backoff)
            rsmqtt_program_warnings(${target}_asan)
            set(asan_command ${command})
            list(REMOVE_AT asan_command -1)
            list(APPEND asan_command "$<TARGET_FILE:${target}_asan>")
            add_test(NAME "asan/${test}" COMMAND ${asan_command} ${run_args} WORKING_DIRECTORY "${RSMQTT_SOURCE_DIR}")
            set_tests_properties("asan/${test}" PROPERTIES
                TIMEOUT ${timeout}
                LABELS "asan;${labels}"
                ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1;UBSAN_OPTIONS=print_stacktrace=1")
        endif()

        if(RSMQTT_VALGRIND AND (labels STREQUAL "" OR text MATCHES "rsmqtt-ctest:[ \t]*memcheck"))
            # The program is the last argument of both command shapes.
            list(REMOVE_AT command -1)
            list(APPEND command "${RSMQTT_VALGRIND}" --error-exitcode=99 --leak-check=full
                 --errors-for-leak-kinds=definite,indirect --quiet "$<TARGET_FILE:${target}>")
            math(EXPR slow_timeout "${timeout} * 5")
            add_test(NAME "memcheck/${test}" COMMAND ${command} ${run_args} WORKING_DIRECTORY "${RSMQTT_SOURCE_DIR}")
            set_tests_properties("memcheck/${test}" PROPERTIES TIMEOUT ${slow_timeout} LABELS "memcheck;${labels}")
        endif()
    endforeach()
endfunction()

# Every header in include/, transports/posix/include/ and backoff/include/
# must compile on its own (it includes what it uses),
# twice in a row (include guard), as strict C99 and, when a C++ compiler is
# available, as C++11 (extern "C" guards, no C-only constructs). A header that
# fails breaks the build. The caller enables CXX (enable_language cannot be
# called inside a function).
function(rsmqtt_add_header_checks)
    file(GLOB headers CONFIGURE_DEPENDS
        "${RSMQTT_SOURCE_DIR}/include/*.h"
        "${RSMQTT_SOURCE_DIR}/transports/posix/include/*.h"
        "${RSMQTT_SOURCE_DIR}/backoff/include/*.h")
    list(SORT headers)
    if(NOT headers)
        return()
    endif()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/header_checks")
    set(c_sources "")
    set(cxx_sources "")
    foreach(header IN LISTS headers)
        get_filename_component(file "${header}" NAME)
        string(MAKE_C_IDENTIFIER "${file}" id)
        set(content "/* Generated by CMake: ${file} compiles on its own. */\n#include \"${file}\"\n#include \"${file}\"\n")
        foreach(ext c cpp)
            # Rewritten only when the text changes, so builds stay incremental.
            file(WRITE "${dir}/${id}.${ext}.tmp" "${content}")
            configure_file("${dir}/${id}.${ext}.tmp" "${dir}/${id}.${ext}" COPYONLY)
        endforeach()
        list(APPEND c_sources "${dir}/${id}.c")
        list(APPEND cxx_sources "${dir}/${id}.cpp")
    endforeach()

    # The library's own headers must not depend on application config files.
    set(defines MQTT_DO_NOT_USE_CUSTOM_CONFIG)

    add_library(rsmqtt_header_checks_c OBJECT ${c_sources})
    set_target_properties(rsmqtt_header_checks_c PROPERTIES
        C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
    target_compile_definitions(rsmqtt_header_checks_c PRIVATE ${defines})
    target_link_libraries(rsmqtt_header_checks_c PRIVATE rsmqtt::rsmqtt rsmqtt::transports_posix rsmqtt::backoff)
    if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(rsmqtt_header_checks_c PRIVATE -Wall -Wextra -Wpedantic -Werror)
    endif()

    if(CMAKE_CXX_COMPILER)
        add_library(rsmqtt_header_checks_cxx OBJECT ${cxx_sources})
        set_target_properties(rsmqtt_header_checks_cxx PROPERTIES
            CXX_STANDARD 11 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
        target_compile_definitions(rsmqtt_header_checks_cxx PRIVATE ${defines})
        target_link_libraries(rsmqtt_header_checks_cxx PRIVATE rsmqtt::rsmqtt rsmqtt::transports_posix rsmqtt::backoff)
        if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
            target_compile_options(rsmqtt_header_checks_cxx PRIVATE -Wall -Wextra -Werror)
        endif()
    endif()
endfunction()

# Writes <work>/<name>.cmake, a script that configures the project in
# SOURCE into <work>/<name> with OPTIONS, builds it and runs RUN (a command
# line), failing on the first error; returns the script path in <out_var>.
# (Not `ctest --build-and-test`: it sets CC in the build's environment, which
# would make cargo rebuild ring's C code whenever the outer build does not.)
function(rsmqtt_write_consumer_script out_var name)
    cmake_parse_arguments(ARG "" "SOURCE" "OPTIONS;RUN" ${ARGN})
    set(binary "${CMAKE_CURRENT_BINARY_DIR}/cmake_tests/${name}")
    set(configure "\"${CMAKE_COMMAND}\" -S [==[${ARG_SOURCE}]==] -B [==[${binary}]==] -G [==[${CMAKE_GENERATOR}]==]")
    if(CMAKE_MAKE_PROGRAM)
        string(APPEND configure " [==[-DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}]==]")
    endif()
    foreach(option IN LISTS ARG_OPTIONS)
        string(APPEND configure " [==[${option}]==]")
    endforeach()
    set(run "")
    foreach(word IN LISTS ARG_RUN)
        string(APPEND run " [==[${word}]==]")
    endforeach()
    set(script "${CMAKE_CURRENT_BINARY_DIR}/cmake_tests/${name}.cmake")
    file(WRITE "${script}"
        "# Generated by rsmqtt's CMakeLists.txt: the ${name} consumer test.\n"
        "foreach(step configure build run)\n"
        "    if(step STREQUAL configure)\n"
        "        # A fresh configure each run, as a new consumer would do: a kept\n"
        "        # cache would keep flags from an older toolchain file.\n"
        "        file(REMOVE_RECURSE [==[${binary}]==])\n"
        "        execute_process(COMMAND ${configure} RESULT_VARIABLE result)\n"
        "    elseif(step STREQUAL build)\n"
        "        execute_process(COMMAND \"${CMAKE_COMMAND}\" --build [==[${binary}]==] RESULT_VARIABLE result)\n"
        "    else()\n"
        "        execute_process(COMMAND ${run} RESULT_VARIABLE result)\n"
        "    endif()\n"
        "    if(NOT result EQUAL 0)\n"
        "        message(FATAL_ERROR \"${name}: \${step} failed: \${result}\")\n"
        "    endif()\n"
        "endforeach()\n")
    set(${out_var} "${script}" PARENT_SCOPE)
endfunction()

# Builds the consumer projects in tests/cmake/ the way a firmware project
# would use rsmqtt, and runs their program:
#   cmake/add_subdirectory  add_subdirectory(<rsmqtt> rsmqtt) + rsmqtt::rsmqtt
#   cmake/install           cmake --install of this build into an emptied
#                           scratch prefix
#   cmake/find_package      find_package(rsmqtt REQUIRED) from that prefix
#   cmake/coremqtt_dropin   a coreMQTT demo's CMake switched to rsmqtt through
#                           mqttFilePaths.cmake, run against Mosquitto
#   cmake/sdk_dropin        an SDK-style application with its own transports,
#                           backoff, config and logging, run against Mosquitto
#   cmake/cortex_m4_firmware  a bare-metal Cortex-M4 image (clang + rust-lld,
#                           no C library) linking the no_std library; only
#                           when clang and the thumbv7em-none-eabihf Rust
#                           target are installed (release profile, as in
#                           scripts/test.sh's Cortex-M step); it also links
#                           own_backoff.c, an application with its own
#                           BackoffAlgorithm_*, against rsmqtt::rsmqtt
#   cmake/cortex_m4_firmware_lto  the same with the `firmware` profile (fat
#                           LTO, the archive split by symbol)
#   cmake/cortex_m4_firmware_newlib  the same project built with
#                           arm-none-eabi-gcc and newlib-nano (firmware
#                           profile): memcpy and friends must come from
#                           newlib (RSMQTT_MEM_FROM_C_LIBRARY); the clang
#                           tests check they come from compiler_builtins
#                           there (no C library). All three also link
#                           benches/size/full_api.c (the whole MQTT_* API).
# They reuse this build's cargo profile and target directory, so cargo has
# nothing to rebuild.
function(rsmqtt_add_cmake_integration_tests)
    set(work "${CMAKE_CURRENT_BINARY_DIR}/cmake_tests")
    set(prefix "${work}/prefix")
    set(common_options
        "-DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}"
        "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}"
        "-DRSMQTT_EXPECTED_VERSION=${PROJECT_VERSION}")

    rsmqtt_write_consumer_script(script add_subdirectory
        SOURCE "${RSMQTT_SOURCE_DIR}/tests/cmake/add_subdirectory"
        OPTIONS ${common_options}
            "-DRSMQTT_SOURCE_DIR=${RSMQTT_SOURCE_DIR}"
            "-DRSMQTT_CARGO_PROFILE=${RSMQTT_CARGO_PROFILE}"
            "-DRSMQTT_CARGO_TARGET_DIR=${RSMQTT_CARGO_TARGET_DIR}"
            "-DRSMQTT_CARGO_FLAGS=${RSMQTT_CARGO_FLAGS}"
            "-DRSMQTT_CARGO_CC=${RSMQTT_CARGO_CC}"
        RUN "${work}/add_subdirectory/consumer")
    add_test(NAME cmake/add_subdirectory COMMAND "${CMAKE_COMMAND}" -P "${script}")

    # Into an emptied prefix, so a header deleted from include/ cannot linger.
    file(WRITE "${work}/install_fresh.cmake"
        "file(REMOVE_RECURSE \"${prefix}\")\n"
        "execute_process(COMMAND \"${CMAKE_COMMAND}\" --install \"${CMAKE_CURRENT_BINARY_DIR}\" --prefix \"${prefix}\"\n"
        "                RESULT_VARIABLE result)\n"
        "if(NOT result EQUAL 0)\n"
        "    message(FATAL_ERROR \"cmake --install failed: \${result}\")\n"
        "endif()\n")
    add_test(NAME cmake/install COMMAND "${CMAKE_COMMAND}" -P "${work}/install_fresh.cmake")
    set_tests_properties(cmake/install PROPERTIES FIXTURES_SETUP rsmqtt_installed)

    rsmqtt_write_consumer_script(script find_package
        SOURCE "${RSMQTT_SOURCE_DIR}/tests/cmake/find_package"
        OPTIONS ${common_options} "-DCMAKE_PREFIX_PATH=${prefix}"
        RUN "${work}/find_package/consumer")
    add_test(NAME cmake/find_package COMMAND "${CMAKE_COMMAND}" -P "${script}")
    set_tests_properties(cmake/find_package PROPERTIES FIXTURES_REQUIRED rsmqtt_installed)

    # An existing coreMQTT application's CMake switched to rsmqtt through
    # mqttFilePaths.cmake: it must build the unchanged demo, pass its
    # core_mqtt_config.h values to the library, and the demo must work
    # against a real broker.
    find_program(RSMQTT_BASH bash)
    rsmqtt_write_consumer_script(script coremqtt_dropin
        SOURCE "${RSMQTT_SOURCE_DIR}/tests/cmake/coremqtt_dropin"
        OPTIONS ${common_options}
            "-DRSMQTT_SOURCE_DIR=${RSMQTT_SOURCE_DIR}"
            "-DRSMQTT_CARGO_PROFILE=${RSMQTT_CARGO_PROFILE}"
            "-DRSMQTT_CARGO_TARGET_DIR=${RSMQTT_CARGO_TARGET_DIR}"
            "-DRSMQTT_CARGO_FLAGS=${RSMQTT_CARGO_FLAGS}"
            "-DRSMQTT_CARGO_CC=${RSMQTT_CARGO_CC}"
        RUN "${RSMQTT_BASH}" "${RSMQTT_SOURCE_DIR}/tests/cmake/coremqtt_dropin/run.sh"
            "${work}/coremqtt_dropin")
    add_test(NAME cmake/coremqtt_dropin COMMAND "${CMAKE_COMMAND}" -P "${script}")

    # A coreMQTT application built the way the AWS IoT Device SDK for
    # Embedded C builds its demos: its own POSIX transport and backoffAlgorithm
    # sources (the same function names as rsmqtt's), its own
    # core_mqtt_config.h and logging macros, -Werror, rsmqtt::rsmqtt in place
    # of coreMQTT's sources. It must build, link and run against a real
    # broker; a header-only file must compile without core_mqtt_config.h.
    rsmqtt_write_consumer_script(script sdk_dropin
        SOURCE "${RSMQTT_SOURCE_DIR}/tests/cmake/sdk_dropin"
        OPTIONS ${common_options}
            "-DRSMQTT_SOURCE_DIR=${RSMQTT_SOURCE_DIR}"
            "-DRSMQTT_CARGO_PROFILE=${RSMQTT_CARGO_PROFILE}"
            "-DRSMQTT_CARGO_TARGET_DIR=${RSMQTT_CARGO_TARGET_DIR}"
            "-DRSMQTT_CARGO_FLAGS=${RSMQTT_CARGO_FLAGS}"
            "-DRSMQTT_CARGO_CC=${RSMQTT_CARGO_CC}"
        RUN "${RSMQTT_BASH}" "${RSMQTT_SOURCE_DIR}/tests/cmake/sdk_dropin/run.sh"
            "${work}/sdk_dropin")
    add_test(NAME cmake/sdk_dropin COMMAND "${CMAKE_COMMAND}" -P "${script}")

    set_tests_properties(cmake/add_subdirectory cmake/install cmake/find_package cmake/coremqtt_dropin
        cmake/sdk_dropin
        PROPERTIES TIMEOUT 600 LABELS cmake)

    find_program(RSMQTT_CLANG clang)
    find_program(RSMQTT_SIZE NAMES llvm-size size)
    execute_process(COMMAND rustc --print target-libdir --target thumbv7em-none-eabihf
        OUTPUT_VARIABLE thumb_libdir OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE thumb_result ERROR_QUIET)
    if(RSMQTT_CLANG AND RSMQTT_SIZE AND thumb_result EQUAL 0 AND IS_DIRECTORY "${thumb_libdir}")
        rsmqtt_write_consumer_script(script cortex_m4
            SOURCE "${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4"
            OPTIONS
                "-DCMAKE_TOOLCHAIN_FILE=${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4/toolchain-clang-cortex-m4.cmake"
                "-DRSMQTT_SOURCE_DIR=${RSMQTT_SOURCE_DIR}"
                "-DRSMQTT_CARGO_PROFILE=release"
                "-DRSMQTT_CARGO_TARGET_DIR=${RSMQTT_CARGO_TARGET_DIR}"
            RUN "${CMAKE_COMMAND}" "-DELF=${work}/cortex_m4/full_api.elf" "-DNM=${RSMQTT_NM}"
                -DEXPECT=compiler_builtins "-DSIZE=${RSMQTT_SIZE}"
                "-DIMAGES=${work}/cortex_m4/firmware.elf;${work}/cortex_m4/own_backoff.elf"
                -P "${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4/check_mem_functions.cmake")
        add_test(NAME cmake/cortex_m4_firmware COMMAND "${CMAKE_COMMAND}" -P "${script}")
        # The same project with the `firmware` profile (fat LTO: one merged
        # object, which the split of the archive takes apart by symbol).
        rsmqtt_write_consumer_script(script cortex_m4_lto
            SOURCE "${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4"
            OPTIONS
                "-DCMAKE_TOOLCHAIN_FILE=${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4/toolchain-clang-cortex-m4.cmake"
                "-DRSMQTT_SOURCE_DIR=${RSMQTT_SOURCE_DIR}"
                "-DRSMQTT_CARGO_PROFILE=firmware"
                "-DRSMQTT_CARGO_TARGET_DIR=${RSMQTT_CARGO_TARGET_DIR}"
            RUN "${CMAKE_COMMAND}" "-DELF=${work}/cortex_m4_lto/full_api.elf" "-DNM=${RSMQTT_NM}"
                -DEXPECT=compiler_builtins "-DSIZE=${RSMQTT_SIZE}"
                "-DIMAGES=${work}/cortex_m4_lto/firmware.elf;${work}/cortex_m4_lto/own_backoff.elf"
                -P "${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4/check_mem_functions.cmake")
        add_test(NAME cmake/cortex_m4_firmware_lto COMMAND "${CMAKE_COMMAND}" -P "${script}")
        set_tests_properties(cmake/cortex_m4_firmware cmake/cortex_m4_firmware_lto
            PROPERTIES TIMEOUT 900 LABELS cmake)
        # The same project built the way most Cortex-M firmware is:
        # arm-none-eabi-gcc with newlib-nano, `firmware` profile. Its C
        # library must provide memcpy and friends (RSMQTT_MEM_FROM_C_LIBRARY,
        # on by default there), not compiler_builtins inside librsmqtt.a.
        find_program(RSMQTT_ARM_GCC arm-none-eabi-gcc)
        if(RSMQTT_ARM_GCC)
            rsmqtt_write_consumer_script(script cortex_m4_newlib
                SOURCE "${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4"
                OPTIONS
                    "-DCMAKE_TOOLCHAIN_FILE=${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4/toolchain-gcc-cortex-m4.cmake"
                    "-DRSMQTT_SOURCE_DIR=${RSMQTT_SOURCE_DIR}"
                    "-DRSMQTT_CARGO_PROFILE=firmware"
                    "-DRSMQTT_CARGO_TARGET_DIR=${RSMQTT_CARGO_TARGET_DIR}"
                RUN "${CMAKE_COMMAND}" "-DELF=${work}/cortex_m4_newlib/full_api.elf"
                    "-DMAP=${work}/cortex_m4_newlib/full_api.map" "-DNM=${RSMQTT_NM}"
                    -DEXPECT=c_library "-DSIZE=${RSMQTT_SIZE}"
                    "-DIMAGES=${work}/cortex_m4_newlib/firmware.elf;${work}/cortex_m4_newlib/own_backoff.elf"
                    -P "${RSMQTT_SOURCE_DIR}/tests/cmake/cortex_m4/check_mem_functions.cmake")
            add_test(NAME cmake/cortex_m4_firmware_newlib COMMAND "${CMAKE_COMMAND}" -P "${script}")
            set_tests_properties(cmake/cortex_m4_firmware_newlib PROPERTIES TIMEOUT 900 LABELS cmake)
        else()
            message(STATUS "rsmqtt: no arm-none-eabi-gcc: cmake/cortex_m4_firmware_newlib not registered")
        endif()
    else()
        message(STATUS "rsmqtt: no clang or no thumbv7em-none-eabihf Rust target: cmake/cortex_m4_firmware not registered")
    endif()
endfunction()

# The CTest tests enum_size/...: core_mqtt_serializer.h must accept a file
# compiled with the enum size the library uses on that target and refuse,
# with its own message, one compiled with the other size (the library and the
# application would disagree on every struct holding an enum). Each test
# compiles tests/enum_size/probe.c with -fsyntax-only; a refusal passes only
# when the compiler prints the header's message.
function(rsmqtt_add_enum_size_checks)
    set(probe "${RSMQTT_SOURCE_DIR}/tests/enum_size/probe.c")
    set(inc "-I${RSMQTT_SOURCE_DIR}/include")
    set(refused_sizeof "enum size differs from the library")
    set(refused_arm "bare-metal ARM builds of the library use short")

    if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
        add_test(NAME enum_size/host_default_accepted
            COMMAND "${CMAKE_C_COMPILER}" -std=c11 -Wall -Wextra -Werror ${inc} -fsyntax-only "${probe}")
        add_test(NAME enum_size/host_short_enums_refused_c11
            COMMAND "${CMAKE_C_COMPILER}" -std=c11 -fshort-enums ${inc} -fsyntax-only "${probe}")
        set_tests_properties(enum_size/host_short_enums_refused_c11 PROPERTIES
            PASS_REGULAR_EXPRESSION "${refused_sizeof}")
        add_test(NAME enum_size/host_short_enums_refused_c99
            COMMAND "${CMAKE_C_COMPILER}" -std=c99 -fshort-enums ${inc} -fsyntax-only "${probe}")
        set_tests_properties(enum_size/host_short_enums_refused_c99 PROPERTIES
            PASS_REGULAR_EXPRESSION "rsmqtt_enum_size_matches_library")
    endif()
    if(CMAKE_CXX_COMPILER AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        add_test(NAME enum_size/host_short_enums_refused_cxx11
            COMMAND "${CMAKE_CXX_COMPILER}" -x c++ -std=c++11 -fshort-enums ${inc} -fsyntax-only "${probe}")
        set_tests_properties(enum_size/host_short_enums_refused_cxx11 PROPERTIES
            PASS_REGULAR_EXPRESSION "${refused_sizeof}")
    endif()

    # Bare-metal ARM: the library (thumb*-none-eabi*) uses short enums.
    find_program(RSMQTT_ARM_GCC arm-none-eabi-gcc)
    if(RSMQTT_ARM_GCC)
        add_test(NAME enum_size/arm_none_eabi_gcc_default_accepted
            COMMAND "${RSMQTT_ARM_GCC}" -mcpu=cortex-m3 -mthumb -std=c99 -Wall -Wextra -Werror ${inc}
                    -fsyntax-only "${probe}")
        add_test(NAME enum_size/arm_none_eabi_gcc_no_short_enums_refused
            COMMAND "${RSMQTT_ARM_GCC}" -mcpu=cortex-m3 -mthumb -fno-short-enums ${inc} -fsyntax-only "${probe}")
        set_tests_properties(enum_size/arm_none_eabi_gcc_no_short_enums_refused PROPERTIES
            PASS_REGULAR_EXPRESSION "${refused_arm}")
    endif()
    find_program(RSMQTT_CLANG clang)
    if(RSMQTT_CLANG)
        # clang defaults to int-sized enums on arm-none-eabi.
        add_test(NAME enum_size/clang_arm_none_eabi_default_refused
            COMMAND "${RSMQTT_CLANG}" --target=arm-none-eabi -mcpu=cortex-m4 -mthumb -ffreestanding ${inc}
                    -fsyntax-only "${probe}")
        set_tests_properties(enum_size/clang_arm_none_eabi_default_refused PROPERTIES
            PASS_REGULAR_EXPRESSION "${refused_arm}")
        add_test(NAME enum_size/clang_arm_none_eabi_short_enums_accepted
            COMMAND "${RSMQTT_CLANG}" --target=arm-none-eabi -mcpu=cortex-m4 -mthumb -ffreestanding -fshort-enums
                    -Wall -Wextra -Werror ${inc} -fsyntax-only "${probe}")
    endif()
endfunction()

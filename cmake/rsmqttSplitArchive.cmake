# Splits the static library cargo builds (rsmqtt-staticlib: every C function of
# rsmqtt plus the Rust standard library) into the libraries CMake offers:
#
#   <OUTPUT_DIR>/<prefix>rsmqtt_transports_posix<suffix>  the objects of the
#       rsmqtt-transports-posix crate (Plaintext_*, Sockets_*, Tls_*, Openssl_*)
#   <OUTPUT_DIR>/<prefix>rsmqtt_backoff<suffix>           the objects of the
#       rsmqtt-backoff crate (BackoffAlgorithm_*)
#   <OUTPUT_DIR>/<prefix>rsmqtt<suffix>                   everything else: the
#       MQTT APIs, logging, the Rust standard library and dependencies
#
# Why: an application that compiles the SDK's own transports or
# backoffAlgorithm defines the same function names. Kept in librsmqtt.a, ours
# would be pulled in whenever the linker met one of those names there first
# (the link order decides), giving "multiple definition" errors. In separate
# archives they are linked only by applications that ask for them
# (rsmqtt::transports_posix, rsmqtt::backoff). The split archives reference
# the Rust symbols of librsmqtt.a, so they come before it on the link line;
# the CMake targets take care of that.
#
# rustc names each object of a crate `<crate name>-<hash>.<...>.o` in the
# archive, which is what the split goes by; with thin LTO (the `firmware`
# cargo profile) the name gains the static library's prefix,
# `rsmqtt-<hash>.<crate name>-<hash>.<...>.o`, and keeps one object per crate.
# A crate that is not in the build (the transports in a no_std build) gives
# an empty archive.
#
# Fat LTO (the `firmware` cargo profile) merges every crate into one object,
# so there is no crate object to move. Then the split goes by symbol: the C
# functions of a part are the global symbols matching its pattern below
# (found with NM). The part's archive gets a copy of the merged object in
# which only those symbols stay global (OBJCOPY --keep-global-symbols: the
# rest of the copy is local, so it defines nothing else and its calls into
# the library resolve inside the copy; --gc-sections keeps only what the
# part's functions reach). In the core's copy those symbols become local
# (OBJCOPY --localize-symbols), so an application defining its own
# BackoffAlgorithm_* links librsmqtt.a without "multiple definition". The
# copy duplicates whatever static state its functions use, so this is only
# right for parts without any: backoffAlgorithm (pure arithmetic), and the
# transports, which only exist in hosted builds, where no profile uses fat
# LTO.
#
# With MEM_FROM_C_LIBRARY on (a bare-metal build linked with a C library,
# see RSMQTT_MEM_FROM_C_LIBRARY in CMakeLists.txt), the core's copy also
# leaves memcpy and friends to the application's C library. A no_std Rust
# archive carries compiler_builtins' versions of the C memory functions
# (memcpy, memmove, memset, memcmp, bcmp, strlen and the ARM EABI
# __aeabi_mem* entry points), each in an archive member of its own. The
# linker takes a member for the first archive that defines a missing name,
# and librsmqtt.a comes before the C library on every link line, so the
# firmware got those (memcpy alone is 730 bytes on a Cortex-M4, newlib-nano's
# 308) instead of the C library's, which the C code of the firmware uses
# anyway. In the core's copy these names become local symbols of
# compiler_builtins' members (OBJCOPY --localize-symbols on the archive): no
# member defines them any more, so the linker takes them from the C library,
# and the local copies, referenced by nothing, are dropped by
# --gc-sections. Every name in mem_symbols below is defined by newlib and
# newlib-nano (libc.a, libc_nano.a of arm-none-eabi). A firmware linked
# without a C library must leave MEM_FROM_C_LIBRARY off: it needs
# compiler_builtins' versions.
#
# Usage: cmake -DAR=<ar> -DINPUT=<cargo's archive> -DOUTPUT_DIR=<dir>
#              -DPREFIX=lib -DSUFFIX=.a [-DNM=<nm> -DOBJCOPY=<objcopy>]
#              [-DMEM_FROM_C_LIBRARY=ON] -P rsmqttSplitArchive.cmake
# (NM and OBJCOPY are needed only for a fat-LTO archive, OBJCOPY also for
# MEM_FROM_C_LIBRARY; llvm-nm and llvm-objcopy read every target's objects.)
foreach(variable AR INPUT OUTPUT_DIR)
    if(NOT DEFINED ${variable} OR "${${variable}}" STREQUAL "")
        message(FATAL_ERROR "rsmqttSplitArchive.cmake: ${variable} is not set")
    endif()
endforeach()

# ar's command-line interface (GNU ar, llvm-ar, BSD ar); MSVC's lib.exe has
# a different one.
get_filename_component(ar_name "${AR}" NAME_WE)
if(ar_name MATCHES "^(lib|LIB)$")
    message(FATAL_ERROR "rsmqttSplitArchive.cmake: ${AR} is MSVC's lib.exe; splitting librsmqtt "
                        "needs an ar-compatible archiver: set CMAKE_AR to llvm-ar")
endif()

set(parts transports_posix backoff)
set(crate_transports_posix rsmqtt_transports_posix)
set(crate_backoff rsmqtt_backoff)
# The C functions each part exports, for the split by symbol.
set(symbols_transports_posix "^(Plaintext|Sockets|Tls|Openssl)_[A-Za-z]+$")
set(symbols_backoff "^BackoffAlgorithm_[A-Za-z]+$")
set(core "${OUTPUT_DIR}/${PREFIX}rsmqtt${SUFFIX}")
set(outputs "${core}")
foreach(part IN LISTS parts)
    set(output_${part} "${OUTPUT_DIR}/${PREFIX}rsmqtt_${part}${SUFFIX}")
    list(APPEND outputs "${output_${part}}")
endforeach()

if(NOT DEFINED MEM_FROM_C_LIBRARY OR MEM_FROM_C_LIBRARY STREQUAL "")
    set(MEM_FROM_C_LIBRARY OFF)
endif()
# The C memory functions the C library provides in place of
# compiler_builtins' (MEM_FROM_C_LIBRARY).
set(mem_symbols memcpy memmove memset memcmp bcmp strlen)
foreach(operation memcpy memmove memset memclr)
    list(APPEND mem_symbols __aeabi_${operation} __aeabi_${operation}4 __aeabi_${operation}8)
endforeach()

# cargo runs on every build; split only when it wrote a new archive or the
# split's options changed (the stamp records the last ones).
set(options_stamp "${OUTPUT_DIR}/split.options")
if(MEM_FROM_C_LIBRARY)
    set(options "mem_from_c_library=ON\n")
else()
    set(options "mem_from_c_library=OFF\n")
endif()
set(up_to_date TRUE)
foreach(output IN LISTS outputs)
    if(NOT EXISTS "${output}" OR "${INPUT}" IS_NEWER_THAN "${output}")
        set(up_to_date FALSE)
    endif()
endforeach()
if(EXISTS "${options_stamp}")
    file(READ "${options_stamp}" previous_options)
else()
    set(previous_options "")
endif()
if(NOT previous_options STREQUAL options)
    set(up_to_date FALSE)
endif()
if(up_to_date)
    return()
endif()

function(run_ar)
    execute_process(COMMAND "${AR}" ${ARGN}
        WORKING_DIRECTORY "${work}"
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE error)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "rsmqttSplitArchive.cmake: `${AR} ${ARGN}` failed (${result}):\n${output}${error}")
    endif()
    set(ar_output "${output}" PARENT_SCOPE)
endfunction()

# Runs a tool, failing the split with its output when it fails.
function(run_tool)
    execute_process(COMMAND ${ARGN}
        WORKING_DIRECTORY "${work}"
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE error)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "rsmqttSplitArchive.cmake: `${ARGN}` failed (${result}):\n${output}${error}")
    endif()
    set(tool_output "${output}" PARENT_SCOPE)
endfunction()

# The part has no crate object of its own (fat LTO): moves its symbols out
# of the core's objects that define them, or writes an empty archive when no
# object does (the transports in a no_std build).
function(split_by_symbol part)
    set(found_members "")
    set(found_symbols "")
    if(NOT DEFINED NM OR NM STREQUAL "")
        # Without nm nothing can be looked up: only a crate-split archive
        # (no fat LTO) can be handled, and there the part is simply absent.
        file(WRITE "${part_tmp}" "!<arch>\n")
        return()
    endif()
    # Only the rsmqtt crate's objects can hold merged crates (fat LTO names
    # the one object after the crate the static library is built from);
    # the standard library's members are not read (some are LLVM bitcode,
    # which an older llvm-nm refuses).
    foreach(member IN LISTS members)
        if(NOT member MATCHES "^(rsmqtt-[0-9a-f]+\\.)?rsmqtt[-.]")
            continue()
        endif()
        run_ar(x "${core_tmp}" "${member}")
        # One line per global definition: "<address> <type> <name>".
        run_tool("${NM}" -g --defined-only "${member}")
        file(REMOVE "${work}/${member}")
        string(REPLACE "\n" ";" lines "${tool_output}")
        foreach(line IN LISTS lines)
            if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] +([^ ]+)$")
                set(symbol "${CMAKE_MATCH_1}")
                if(symbol MATCHES "${symbols_${part}}")
                    list(APPEND found_members "${member}")
                    list(APPEND found_symbols "${symbol}")
                endif()
            endif()
        endforeach()
    endforeach()
    list(REMOVE_DUPLICATES found_members)
    list(REMOVE_DUPLICATES found_symbols)
    if(NOT found_members)
        file(WRITE "${part_tmp}" "!<arch>\n")
        return()
    endif()
    if(NOT DEFINED OBJCOPY OR OBJCOPY STREQUAL "")
        message(FATAL_ERROR "rsmqttSplitArchive.cmake: ${INPUT} has ${part}'s functions inside "
                            "merged objects (fat LTO); splitting them needs OBJCOPY (llvm-objcopy)")
    endif()
    string(REPLACE ";" "\n" symbol_lines "${found_symbols}")
    file(WRITE "${work}/${part}.symbols" "${symbol_lines}\n")
    set(part_objects "")
    foreach(member IN LISTS found_members)
        run_ar(x "${core_tmp}" "${member}")
        set(copy "${part}.${member}")
        run_tool("${OBJCOPY}" "--keep-global-symbols=${part}.symbols" "${member}" "${copy}")
        list(APPEND part_objects "${copy}")
        run_tool("${OBJCOPY}" "--localize-symbols=${part}.symbols" "${member}")
        # Put the changed object back in place of the original.
        run_ar(r "${core_tmp}" "${member}")
    endforeach()
    run_ar(qc "${part_tmp}" ${part_objects})
endfunction()

set(work "${OUTPUT_DIR}/split.tmp")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")
set(core_tmp "${work}/core${SUFFIX}")
file(COPY "${INPUT}" DESTINATION "${work}")
get_filename_component(input_name "${INPUT}" NAME)
file(RENAME "${work}/${input_name}" "${core_tmp}")

run_ar(t "${core_tmp}")
string(REPLACE "\n" ";" members "${ar_output}")

foreach(part IN LISTS parts)
    set(selected "")
    foreach(member IN LISTS members)
        if(member MATCHES "^(rsmqtt-[0-9a-f]+\\.)?${crate_${part}}-")
            list(APPEND selected "${member}")
        endif()
    endforeach()
    set(part_tmp "${work}/${part}${SUFFIX}")
    if(selected)
        # Extract the crate's objects, build its archive from them and
        # delete them from the core's copy.
        run_ar(x "${core_tmp}" ${selected})
        run_ar(qc "${part_tmp}" ${selected})
        run_ar(d "${core_tmp}" ${selected})
    else()
        split_by_symbol(${part})
    endif()
    run_ar(s "${part_tmp}")
    file(RENAME "${part_tmp}" "${output_${part}}")
endforeach()
if(MEM_FROM_C_LIBRARY)
    if(NOT DEFINED OBJCOPY OR OBJCOPY STREQUAL "")
        message(FATAL_ERROR "rsmqttSplitArchive.cmake: MEM_FROM_C_LIBRARY needs OBJCOPY (llvm-objcopy)")
    endif()
    string(REPLACE ";" "\n" symbol_lines "${mem_symbols}")
    file(WRITE "${work}/mem.symbols" "${symbol_lines}\n")
    # On the whole archive: a member that does not define a name is left
    # as it was (undefined references stay undefined).
    get_filename_component(core_tmp_name "${core_tmp}" NAME)
    run_tool("${OBJCOPY}" "--localize-symbols=mem.symbols" "${core_tmp_name}")
endif()
run_ar(s "${core_tmp}")
file(RENAME "${core_tmp}" "${core}")
file(WRITE "${options_stamp}" "${options}")
file(REMOVE_RECURSE "${work}")

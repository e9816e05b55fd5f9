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
# an empty archive. Fat LTO would merge every crate into one object, which
# cannot be split: the profiles here never use it.
#
# Usage: cmake -DAR=<ar> -DINPUT=<cargo's archive> -DOUTPUT_DIR=<dir>
#              -DPREFIX=lib -DSUFFIX=.a -P rsmqttSplitArchive.cmake
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
set(core "${OUTPUT_DIR}/${PREFIX}rsmqtt${SUFFIX}")
set(outputs "${core}")
foreach(part IN LISTS parts)
    set(output_${part} "${OUTPUT_DIR}/${PREFIX}rsmqtt_${part}${SUFFIX}")
    list(APPEND outputs "${output_${part}}")
endforeach()

# cargo runs on every build; split only when it wrote a new archive.
set(up_to_date TRUE)
foreach(output IN LISTS outputs)
    if(NOT EXISTS "${output}" OR "${INPUT}" IS_NEWER_THAN "${output}")
        set(up_to_date FALSE)
    endif()
endforeach()
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
        # An archive with no members: nothing to link, and nothing missing.
        file(WRITE "${part_tmp}" "!<arch>\n")
    endif()
    run_ar(s "${part_tmp}")
    file(RENAME "${part_tmp}" "${output_${part}}")
endforeach()
run_ar(s "${core_tmp}")
file(RENAME "${core_tmp}" "${core}")
file(REMOVE_RECURSE "${work}")

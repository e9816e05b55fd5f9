cmake_minimum_required(VERSION 3.13)
# The CTests threadx/qemu_mps2_qos012 and threadx/qemu_mps2_mtls (registered
# by tests/threadx/CMakeLists.txt):
#
#   cmake -DSOURCE=<tests/threadx/qemu_mps2> -DBINARY=<scratch build dir>
#         -DTHREADX_DIR=<ThreadX> -DNETXDUO_DIR=<NetX Duo> -DGENERATOR=<generator>
#         [-DMAKE_PROGRAM=<ninja/make>] -DRSMQTT_ROOT=<repository>
#         -DIMAGE=<threadx_mps2.elf | threadx_mps2_mtls.elf> -DMODE=<plain | mtls>
#         -P qemu_mps2_test.cmake
#
# configures the Cortex-M3 image's own project with the arm-none-eabi
# toolchain file (afresh each run, as a new firmware project would: a kept
# cache would keep flags from an older toolchain file), builds the image,
# and runs it in QEMU against a Mosquitto that scripts/with-broker.sh starts.
foreach(var SOURCE BINARY THREADX_DIR NETXDUO_DIR GENERATOR RSMQTT_ROOT IMAGE MODE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "qemu_mps2_test.cmake: -D${var}=... missing")
  endif()
endforeach()

set(configure_command "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${BINARY}" -G "${GENERATOR}"
    "-DCMAKE_TOOLCHAIN_FILE=${SOURCE}/toolchain-arm-none-eabi-gcc.cmake"
    "-DTHREADX_DIR=${THREADX_DIR}" "-DNETXDUO_DIR=${NETXDUO_DIR}")
if(MAKE_PROGRAM)
  list(APPEND configure_command "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

file(REMOVE_RECURSE "${BINARY}")
foreach(step configure build run)
  if(step STREQUAL "configure")
    execute_process(COMMAND ${configure_command} RESULT_VARIABLE result)
  elseif(step STREQUAL "build")
    execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY}" --target "${IMAGE}" RESULT_VARIABLE result)
  else()
    execute_process(COMMAND bash "${RSMQTT_ROOT}/scripts/with-broker.sh"
                            bash "${SOURCE}/run-qemu.sh" "${BINARY}/${IMAGE}" "${BINARY}/uart.log" "${MODE}"
                    RESULT_VARIABLE result)
  endif()
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${IMAGE} (${MODE}): ${step} failed: ${result}")
  endif()
endforeach()

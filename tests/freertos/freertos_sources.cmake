# Builds the FreeRTOS kernel and FreeRTOS+TCP from their upstream source
# trees (never copied into this repository) as static libraries for rsmqtt's
# FreeRTOS tests, for the host's POSIX port or a Cortex-M core.
#
#   rsmqtt_freertos_libraries(
#       PREFIX        name prefix of the targets (<prefix>_kernel, <prefix>_tcp)
#       KERNEL_PORT   the port's directory under portable/, e.g.
#                     ThirdParty/GCC/Posix or GCC/ARM_CM3
#       HEAP          heap implementation, e.g. heap_4
#       CONFIG_DIR    directory with FreeRTOSConfig.h and FreeRTOSIPConfig.h
#       NETIF_SOURCES the network interface driver's sources
#       NETIF_INCLUDES extra include directories of the driver
#       NETIF_LIBS    libraries the driver needs)
#
# FREERTOS_KERNEL_DIR and FREERTOS_PLUS_TCP_DIR (cache variables) point to the
# source trees; they default to ../shared/third_party next to the repository.

get_filename_component(_rsmqtt_third_party "${CMAKE_CURRENT_LIST_DIR}/../../../shared/third_party" ABSOLUTE)
set(FREERTOS_KERNEL_DIR "${_rsmqtt_third_party}/freertos-kernel" CACHE PATH
    "FreeRTOS kernel source tree (V11.x)")
set(FREERTOS_PLUS_TCP_DIR "${_rsmqtt_third_party}/freertos-plus-tcp" CACHE PATH
    "FreeRTOS+TCP source tree (V4.x)")

function(rsmqtt_freertos_libraries)
    cmake_parse_arguments(F "" "PREFIX;KERNEL_PORT;HEAP;CONFIG_DIR"
                          "NETIF_SOURCES;NETIF_INCLUDES;NETIF_LIBS;PORT_SOURCES" ${ARGN})
    set(k "${FREERTOS_KERNEL_DIR}")
    set(t "${FREERTOS_PLUS_TCP_DIR}/source")

    add_library(${F_PREFIX}_kernel STATIC
        "${k}/tasks.c" "${k}/list.c" "${k}/queue.c" "${k}/timers.c"
        "${k}/event_groups.c" "${k}/stream_buffer.c"
        "${k}/portable/MemMang/${F_HEAP}.c"
        "${k}/portable/${F_KERNEL_PORT}/port.c"
        ${F_PORT_SOURCES})
    target_include_directories(${F_PREFIX}_kernel PUBLIC
        "${F_CONFIG_DIR}" "${k}/include" "${k}/portable/${F_KERNEL_PORT}")

    file(GLOB _tcp_sources "${t}/FreeRTOS_*.c")
    add_library(${F_PREFIX}_tcp STATIC
        ${_tcp_sources}
        "${t}/portable/BufferManagement/BufferAllocation_2.c"
        ${F_NETIF_SOURCES})
    target_include_directories(${F_PREFIX}_tcp PUBLIC
        "${t}/include" "${t}/portable/Compiler/GCC" ${F_NETIF_INCLUDES})
    target_link_libraries(${F_PREFIX}_tcp PUBLIC ${F_PREFIX}_kernel ${F_NETIF_LIBS})
endfunction()

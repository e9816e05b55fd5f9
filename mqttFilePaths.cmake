# rsmqtt's stand-in for coreMQTT's mqttFilePaths.cmake.
#
# A coreMQTT application's CMakeLists.txt includes coreMQTT's
# mqttFilePaths.cmake, compiles ${MQTT_SOURCES} and ${MQTT_SERIALIZER_SOURCES}
# into its own targets and puts ${MQTT_INCLUDE_PUBLIC_DIRS} on their include
# path. Include this file instead (point the path, or the variable holding the
# coreMQTT directory, at the rsmqtt checkout) and the same CMakeLists.txt
# builds against rsmqtt with no other change:
#
#   MQTT_INCLUDE_PUBLIC_DIRS  rsmqtt's include/ (core_mqtt.h, core_mqtt_state.h,
#                             core_mqtt_serializer.h, transport_interface.h, ...):
#                             the MQTT headers only, as coreMQTT's. rsmqtt's
#                             POSIX transports and backoff have their own
#                             directories and targets, so the application's
#                             own transports and backoffAlgorithm (compiled as
#                             before) keep their headers and link without
#                             duplicate symbols.
#   MQTT_SOURCES              rsmqtt's configuration shim: compiled with the
#                             application's include path, it passes the values of
#                             the application's core_mqtt_config.h macros
#                             (MQTT_PINGRESP_TIMEOUT_MS, ...) to the library
#   MQTT_SERIALIZER_SOURCES   empty: the serializer is inside librsmqtt.a
#
# Every target the including directory defines after this include links
# rsmqtt::rsmqtt (link_libraries), so no target_link_libraries line changes.
# An application that wants rsmqtt's transports instead of the SDK's links
# rsmqtt::transports_posix where it linked the SDK's transport library.
# Targets defined before the include, or in other directories, need
# `target_link_libraries(<target> PRIVATE rsmqtt::rsmqtt)`.
#
# Limitation: when the application packs ${MQTT_SOURCES} into a static library
# of its own, the linker drops the shim's object (nothing refers to it) and the
# library keeps coreMQTT's default timeouts; such builds call
# rsmqtt_coremqtt_config_set() from their start-up code instead.
if(NOT TARGET rsmqtt::rsmqtt)
    add_subdirectory("${CMAKE_CURRENT_LIST_DIR}" "${CMAKE_BINARY_DIR}/rsmqtt")
endif()

set(MQTT_SOURCES "${CMAKE_CURRENT_LIST_DIR}/src/c/core_mqtt_config_shim.c")
set(MQTT_SERIALIZER_SOURCES "")
set(MQTT_INCLUDE_PUBLIC_DIRS "${CMAKE_CURRENT_LIST_DIR}/include")

link_libraries(rsmqtt::rsmqtt)

# GNU Arm Embedded toolchain for QEMU's mps2-an385 board (Cortex-M3, no FPU),
# with newlib-nano. Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(RSMQTT_ARM_GCC arm-none-eabi-gcc REQUIRED)
set(CMAKE_C_COMPILER "${RSMQTT_ARM_GCC}")
# -fno-short-enums: arm-none-eabi GCC makes enums as small as their values
# (the bare-metal AAPCS variant), so coreMQTT's MQTTQoS_t would be one byte,
# while rsmqtt (like coreMQTT on every hosted ABI) lays out structs such as
# MQTTPublishInfo_t and MQTTPubAckInfo_t with 32-bit enum fields. Every C
# file sharing those structs must agree, so the whole image uses int-sized
# enums; newlib's objects were built with short enums but exchange no enums
# with this code, hence --no-enum-size-warning.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m3 -mthumb -fno-short-enums -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-nostartfiles -specs=nano.specs -specs=nosys.specs -Wl,--gc-sections -Wl,--no-enum-size-warning")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

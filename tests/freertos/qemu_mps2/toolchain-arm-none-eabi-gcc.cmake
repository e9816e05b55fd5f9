# GNU Arm Embedded toolchain for QEMU's mps2-an385 board (Cortex-M3, no FPU),
# with newlib-nano. Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(RSMQTT_ARM_GCC arm-none-eabi-gcc REQUIRED)
set(CMAKE_C_COMPILER "${RSMQTT_ARM_GCC}")
# Default enum flags on purpose: arm-none-eabi GCC uses short enums (the
# bare-metal AAPCS variant: an enum takes the smallest integer holding its
# values), and so does rsmqtt's library for thumbv7m-none-eabi, so the image
# checks that a firmware built the ordinary way agrees with the library
# (mqtt_qos_demo.c asserts the struct sizes; core_mqtt_serializer.h refuses
# -fno-short-enums). The linker's enum-size warning stays on: newlib, the
# kernel, the demo and the C objects of Rust's compiler_builtins are all
# tagged short-enum, so a file built with -fno-short-enums would show up.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m3 -mthumb -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-nostartfiles -specs=nano.specs -specs=nosys.specs -Wl,--gc-sections")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

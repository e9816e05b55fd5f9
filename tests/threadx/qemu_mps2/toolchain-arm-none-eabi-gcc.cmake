# GNU Arm Embedded toolchain for the ThreadX image on QEMU's mps2-an385
# (Cortex-M3, no FPU), with newlib-nano. Debian: gcc-arm-none-eabi,
# libnewlib-arm-none-eabi. C and assembler alike: ThreadX's Cortex-M3 port
# is assembler (.S) and needs the core's instructions (MRS/MSR PRIMASK...).
# Default (short) enums, as arm-none-eabi and the Rust thumbv7m target use.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(RSMQTT_ARM_GCC arm-none-eabi-gcc REQUIRED)
set(CMAKE_C_COMPILER "${RSMQTT_ARM_GCC}")
set(CMAKE_ASM_COMPILER "${RSMQTT_ARM_GCC}")
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m3 -mthumb -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=cortex-m3 -mthumb")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -specs=nano.specs -Wl,--gc-sections")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

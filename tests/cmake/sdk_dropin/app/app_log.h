/*
 * The application's own logging macros, in coreMQTT's double-parenthesis
 * style: LogInfo( ( "format", args ) ). Included after core_mqtt.h and defined
 * unconditionally, as application code does: if core_mqtt.h had defined these
 * names (through core_mqtt_config.h or empty defaults), -Werror would stop the
 * build with "LogInfo redefined".
 */
#ifndef APP_LOG_H_
#define APP_LOG_H_

#include <stdio.h>

/* Lines this application logged, so the test can check its macros ran. */
extern unsigned appLogLines;

#define APP_LOG( level, message ) \
    do { appLogLines++; printf( "[APP][%s] ", level ); printf message; printf( "\n" ); } while( 0 )

#define LogError( message )    APP_LOG( "ERROR", message )
#define LogWarn( message )     APP_LOG( "WARN", message )
#define LogInfo( message )     APP_LOG( "INFO", message )
#define LogDebug( message )    APP_LOG( "DEBUG", message )

#endif /* APP_LOG_H_ */

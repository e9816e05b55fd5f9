/*
 * The Linux side of threadx/driver_tcp_echo: a plain TCP echo server that
 * serves one connection and exits 0 when the client closes it (1 on any
 * error, or if no client connects within 30 s).
 *
 *   tcp_echo_server ADDRESS PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in address;
    char buffer[8192];
    unsigned long echoed = 0;
    int listener, connection, one = 1;

    if (argc != 3)
    {
        fprintf(stderr, "usage: %s ADDRESS PORT\n", argv[0]);
        return 2;
    }
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1)
    {
        fprintf(stderr, "tcp_echo_server: bad address %s\n", argv[1]);
        return 2;
    }
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1) != 0)
    {
        perror("tcp_echo_server: listen");
        return 1;
    }
    printf("tcp_echo_server: listening on %s:%s\n", argv[1], argv[2]);
    fflush(stdout);
    alarm(30); /* never outlive a client that does not come */
    connection = accept(listener, NULL, NULL);
    if (connection < 0)
    {
        perror("tcp_echo_server: accept");
        return 1;
    }
    for (;;)
    {
        ssize_t got = recv(connection, buffer, sizeof buffer, 0);
        ssize_t off = 0;

        if (got == 0)
        {
            break;
        }
        if (got < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            perror("tcp_echo_server: recv");
            return 1;
        }
        while (off < got)
        {
            ssize_t sent = send(connection, buffer + off, (size_t)(got - off), MSG_NOSIGNAL);

            if (sent < 0)
            {
                perror("tcp_echo_server: send");
                return 1;
            }
            off += sent;
        }
        echoed += (unsigned long)got;
    }
    printf("tcp_echo_server: client closed after %lu bytes echoed\n", echoed);
    close(connection);
    close(listener);
    return 0;
}

/*
 * LD_PRELOAD shim loaded into pcscd: sets TCP_NODELAY on every TCP socket it accepts or connects.
 *
 * Why: Debian 12's vpcd driver (vsmartcard 0.8) writes the 2-byte length and the payload of each
 * message with two send() calls on a socket where Nagle's algorithm is on, so every APDU waits for
 * the virtual card's delayed ACK (~44 ms). With TCP_NODELAY both writes leave at once (~0.3 ms).
 * UNIX sockets (PC/SC clients) are left alone. errno is preserved for the caller.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static void set_nodelay(int fd) {
    if (fd < 0) return;
    int saved = errno;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
        (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    errno = saved;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    static int (*real)(int, struct sockaddr *, socklen_t *);
    if (!real) real = dlsym(RTLD_NEXT, "accept");
    int r = real(fd, addr, len);
    set_nodelay(r);
    return r;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    static int (*real)(int, struct sockaddr *, socklen_t *, int);
    if (!real) real = dlsym(RTLD_NEXT, "accept4");
    int r = real(fd, addr, len, flags);
    set_nodelay(r);
    return r;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real) real = dlsym(RTLD_NEXT, "connect");
    set_nodelay(fd);
    return real(fd, addr, len);
}

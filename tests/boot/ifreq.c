/*
 * The SIOCGIF* ioctls on the loopback interface, which looks the same
 * natively and in kiln: flags, address, netmask, MTU, index, hardware
 * address type, name by index, and the errors for unknown interfaces.
 * Differential: identical output natively.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static struct ifreq named(const char *name)
{
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    return r;
}

static const char *ip_of(struct sockaddr *sa)
{
    return inet_ntoa(((struct sockaddr_in *)sa)->sin_addr);
}

int main(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq r = named("lo");
    CHECK("SIOCGIFFLAGS lo", ioctl(s, SIOCGIFFLAGS, &r));
    printf("flags: up %d loopback %d running %d broadcast %d\n", !!(r.ifr_flags & IFF_UP),
           !!(r.ifr_flags & IFF_LOOPBACK), !!(r.ifr_flags & IFF_RUNNING), !!(r.ifr_flags & IFF_BROADCAST));
    r = named("lo");
    CHECK("SIOCGIFADDR lo", ioctl(s, SIOCGIFADDR, &r));
    printf("address: %s family %d\n", ip_of(&r.ifr_addr), r.ifr_addr.sa_family);
    r = named("lo");
    CHECK("SIOCGIFNETMASK lo", ioctl(s, SIOCGIFNETMASK, &r));
    printf("netmask: %s\n", ip_of(&r.ifr_netmask));
    r = named("lo");
    CHECK("SIOCGIFHWADDR lo", ioctl(s, SIOCGIFHWADDR, &r));
    printf("hardware type: %d\n", r.ifr_hwaddr.sa_family);
    r = named("lo");
    CHECK("SIOCGIFINDEX lo", ioctl(s, SIOCGIFINDEX, &r));
    int index = r.ifr_ifindex;
    printf("if_nametoindex agrees: %d\n", if_nametoindex("lo") == (unsigned)index);
    r = named("");
    r.ifr_ifindex = index;
    CHECK("SIOCGIFNAME", ioctl(s, SIOCGIFNAME, &r));
    printf("name: %s\n", r.ifr_name);
    r = named("nonesuch0");
    CHECK("SIOCGIFFLAGS nonesuch0", ioctl(s, SIOCGIFFLAGS, &r));
    r = named("");
    r.ifr_ifindex = 9999;
    CHECK("SIOCGIFNAME 9999", ioctl(s, SIOCGIFNAME, &r));
    CHECK("SIOCGIFADDR bad pointer", ioctl(s, SIOCGIFADDR, (void *)8));

    /* SIOCGIFCONF: the length query, then lo among the entries. */
    struct ifconf conf = {0};
    CHECK("SIOCGIFCONF length", ioctl(s, SIOCGIFCONF, &conf));
    printf("length is whole entries: %d\n", conf.ifc_len > 0 && conf.ifc_len % (int)sizeof(struct ifreq) == 0);
    struct ifreq all[32];
    conf.ifc_len = sizeof all;
    conf.ifc_req = all;
    CHECK("SIOCGIFCONF", ioctl(s, SIOCGIFCONF, &conf));
    for (int i = 0; i < conf.ifc_len / (int)sizeof(struct ifreq); i++)
        if (strcmp(all[i].ifr_name, "lo") == 0)
            printf("listed: lo %s\n", ip_of(&all[i].ifr_addr));
    close(s);
    return 0;
}

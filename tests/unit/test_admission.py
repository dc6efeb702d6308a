import socket

from director.admission import SILENT, TCP_CAP, lan_address, listening, same_origin


def test_same_origin_is_the_host_and_port_exactly() -> None:
    assert same_origin("http://192.168.1.5:8765", "192.168.1.5:8765")
    assert not same_origin("http://192.168.1.5:8765", "192.168.1.5:8766")
    assert not same_origin("file://", "127.0.0.1:1") and not same_origin("http://a:1", None)
    assert not same_origin("http://[::1", "x")


def test_ipv6s_any_address_listens_for_ipv4_too_and_any_other_is_given_as_it_is() -> None:
    assert listening("127.0.0.1", 0) == {"host": "127.0.0.1", "port": 0}
    assert listening("", 8765) == {"host": None, "port": 8765}, "every address"
    if socket.has_ipv6:
        sock = listening("::", 0)["sock"]
        try:
            assert sock.family == socket.AF_INET6
            dual = not sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
            assert dual == socket.has_dualstack_ipv6()
        finally:
            sock.close()


def test_the_links_address_is_one_of_this_machines_and_the_caps_leave_room() -> None:
    address = lan_address()
    socket.inet_aton(address)  # an IPv4 address, which a phone on the network reaches
    assert SILENT < TCP_CAP, "one address never takes every place"

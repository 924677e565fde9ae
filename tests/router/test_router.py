"""The Router's public behaviour: adding, matching, building URLs, including."""

from __future__ import annotations

import itertools
import uuid

import pytest

from router import (
    Converter,
    DuplicateRoute,
    Match,
    MethodNotAllowed,
    NotFound,
    Route,
    Router,
    RoutingError,
    TemplateError,
    URLBuildError,
)


def handler() -> None:
    """A handler for routes whose handler the test does not look at."""


def welcome() -> None:
    """A handler the test looks for."""


def router_with(*templates: str, methods: list[str] | None = None) -> tuple[Router, list[Route]]:
    router = Router()
    return router, [router.add_route(template, handler, methods=methods) for template in templates]


class TestMatch:
    def test_a_match_carries_handler_params_and_route(self):
        router = Router()
        route = router.add_route("/welcome/{name}", welcome, methods=["GET"], name="welcome")
        found = router.match("GET", "/welcome/bob")
        assert isinstance(found, Match)
        assert found.handler is welcome
        assert found.params == {"name": "bob"}
        assert found.route is route
        assert (route.template, route.methods, route.name, route.handler) == (
            "/welcome/{name}",
            frozenset({"GET"}),
            "welcome",
            welcome,
        )

    def test_params_are_converted(self):
        router = Router()
        router.add_route("/{i:int}/{f:float}/{u:uuid}/{p:path}", handler)
        value = uuid.uuid4()
        found = router.match("GET", f"/7/2.5/{value}/a/b.txt")
        assert found.params == {"i": 7, "f": 2.5, "u": value, "p": "a/b.txt"}

    def test_params_are_a_fresh_dict_each_time(self):
        router = Router()
        router.add_route("/{a}", handler)
        router.add_route("/static", handler, methods=["GET"])
        for path in ("/x", "/static"):
            first = router.match("GET", path)
            first.params["spoiled"] = True
            assert "spoiled" not in router.match("GET", path).params

    def test_add_routes_takes_every_method(self):
        """The article's style: one mapping, each route answers any method."""
        router = Router()
        router.add_routes({"/welcome/{name}": welcome, "/login": handler})
        for method in ("GET", "POST", "DELETE", "BREW"):
            assert router.match(method, "/welcome/x").handler is welcome
            assert router.match(method, "/login").handler is handler
        assert [route.methods for route in router.routes] == [None, None]

    def test_routes_lists_every_route_in_order(self):
        router, routes = router_with("/b", "/a", "/{x}")
        assert router.routes == tuple(routes)

    def test_routes_added_after_a_lookup_are_seen(self):
        router, _ = router_with("/a")
        router.match("GET", "/a")
        added = router.add_route("/b", handler)
        assert router.match("GET", "/b").route is added

    def test_a_reference_to_match_taken_early_keeps_working(self):
        """The compiled matcher stands in for the method after the first
        lookup; a bound method taken before must still answer, and see
        later routes."""
        router = Router()
        match = router.match
        first = router.add_route("/a", handler)
        assert match("GET", "/a").route is first
        assert match("GET", "/a").route is first
        second = router.add_route("/b/{x}", handler)
        assert match("GET", "/b/1").route is second
        assert router.match("GET", "/b/1").route is second

    def test_reprs(self):
        router = Router()
        route = router.add_route("/a/{x}", handler, methods=["POST", "GET"], name="a")
        assert repr(route) == "<Route GET,POST '/a/{x}' name='a'>"
        assert repr(router.add_route("/b", handler)) == "<Route * '/b'>"
        assert repr(router.match("GET", "/a/1")) == (
            "<Match <Route GET,POST '/a/{x}' name='a'> params={'x': '1'}>"
        )


class TestPriority:
    """A static segment beats a typed parameter, which beats a plain
    ``{name}``, which beats ``{name:path}``; whatever the order of adding."""

    TEMPLATES = ("/users/me", "/users/{id:int}", "/users/{name}", "/users/{rest:path}")

    @pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
    def test_priority_does_not_depend_on_the_order_of_adding(self, order):
        router = Router()
        routes = {}
        for index in order:
            routes[index] = router.add_route(self.TEMPLATES[index], handler)
        assert router.match("GET", "/users/me").route is routes[0]
        assert router.match("GET", "/users/5").route is routes[1]
        assert router.match("GET", "/users/5").params == {"id": 5}
        assert router.match("GET", "/users/bob").route is routes[2]
        assert router.match("GET", "/users/bob/x").route is routes[3]
        assert router.match("GET", "/users/bob/x").params == {"rest": "bob/x"}

    def test_typed_converters_go_by_weight_then_by_name(self):
        class Early(Converter):
            weight = 1

        class Late(Converter):
            weight = 1

        for order in ([("z", Late()), ("a", Early())], [("a", Early()), ("z", Late())]):
            router = Router(converters=dict(order))
            routes = {
                name: router.add_route(f"/{{x:{name}}}", handler)
                for name in ("z", "float", "int", "uuid", "a")
            }
            assert router.match("GET", "/5").route is routes["a"]  # weight 1, then name

    def test_int_beats_float_beats_str(self):
        router, (as_float, as_int, as_str) = router_with("/{x:float}", "/{x:int}", "/{x}")
        assert router.match("GET", "/5").route is as_int
        assert router.match("GET", "/5.5").route is as_float
        assert router.match("GET", "/5.5.5").route is as_str

    def test_a_static_branch_that_fails_later_falls_back_to_a_parameter(self):
        router, (static, param) = router_with("/a/b/d", "/a/{x}/c")
        found = router.match("GET", "/a/b/c")
        assert found.route is param
        assert found.params == {"x": "b"}
        assert router.match("GET", "/a/b/d").route is static

    def test_a_typed_branch_that_fails_later_falls_back_to_a_plain_one(self):
        router, (typed, plain) = router_with("/v/{n:int}/edit", "/v/{s}/view")
        assert router.match("GET", "/v/5/view").route is plain
        assert router.match("GET", "/v/5/view").params == {"s": "5"}
        assert router.match("GET", "/v/5/edit").route is typed

    def test_a_parameter_falls_back_to_a_catchall(self):
        router, (one, rest) = router_with("/f/{name}/meta", "/f/{p:path}")
        assert router.match("GET", "/f/x/meta").route is one
        assert router.match("GET", "/f/x/other").route is rest

    def test_a_route_that_does_not_take_the_method_falls_back(self):
        """Backtracking looks at methods too: the best route that takes the
        method wins, not the best route for the path."""
        router = Router()
        post = router.add_route("/users/{id:int}", handler, methods=["POST"])
        get = router.add_route("/users/{name}", handler, methods=["GET"])
        assert router.match("GET", "/users/5").route is get
        assert router.match("GET", "/users/5").params == {"name": "5"}
        assert router.match("POST", "/users/5").route is post

    def test_static_siblings_of_a_parameter(self):
        """large.txt's shape: /issues/comments beside /issues/{issue_number}."""
        router, (number, comments) = router_with(
            "/repos/{owner}/{repo}/issues/{issue_number}",
            "/repos/{owner}/{repo}/issues/comments",
        )
        assert router.match("GET", "/repos/o/r/issues/comments").route is comments
        assert router.match("GET", "/repos/o/r/issues/12").route is number


class TestMethods:
    def test_a_template_takes_several_add_route_calls(self):
        router = Router()
        get = router.add_route("/items", handler, methods=["GET"])
        post = router.add_route("/items", handler, methods=["POST", "PUT"])
        assert router.match("GET", "/items").route is get
        assert router.match("POST", "/items").route is post
        assert router.match("PUT", "/items").route is post

    def test_head_is_answered_by_get_unless_a_head_route_exists(self):
        router = Router()
        get = router.add_route("/a", handler, methods=["GET"])
        assert router.match("HEAD", "/a").route is get
        head = router.add_route("/a", handler, methods=["HEAD"])
        assert router.match("HEAD", "/a").route is head
        assert router.match("GET", "/a").route is get

    def test_method_not_allowed_lists_the_methods_of_the_path(self):
        router = Router()
        router.add_route("/a", handler, methods=["GET"])
        router.add_route("/a", handler, methods=["DELETE", "POST"])
        router.add_route("/b", handler, methods=["PUT"])
        with pytest.raises(MethodNotAllowed) as caught:
            router.match("PATCH", "/a")
        assert caught.value.allowed == ("DELETE", "GET", "HEAD", "POST")
        assert caught.value.method == "PATCH"
        assert caught.value.path == "/a"

    def test_method_not_allowed_gathers_every_route_of_the_path(self):
        """The example of the issue: PUT /users/5 is refused with the methods
        of /users/{id:int} and of /users/{name}."""
        router = Router()
        router.add_route("/users/{id:int}", handler, methods=["POST"])
        router.add_route("/users/{name}", handler, methods=["GET"])
        router.add_route("/users/{rest:path}", handler, methods=["DELETE"])
        router.add_route("/users/5/x", handler, methods=["PATCH"])  # another path
        with pytest.raises(MethodNotAllowed) as caught:
            router.match("PUT", "/users/5")
        assert caught.value.allowed == ("DELETE", "GET", "HEAD", "POST")
        with pytest.raises(MethodNotAllowed) as caught:
            router.match("PUT", "/users/bob")
        assert caught.value.allowed == ("DELETE", "GET", "HEAD")

    def test_head_is_not_allowed_without_get(self):
        router = Router()
        router.add_route("/a", handler, methods=["POST"])
        with pytest.raises(MethodNotAllowed) as caught:
            router.match("HEAD", "/a")
        assert caught.value.allowed == ("POST",)

    def test_methods_are_normalized_to_upper_case_and_matched_exactly(self):
        router = Router()
        route = router.add_route("/a", handler, methods=["get", "Post"])
        assert route.methods == frozenset({"GET", "POST"})
        assert router.match("GET", "/a").route is route
        with pytest.raises(MethodNotAllowed):
            router.match("get", "/a")  # RFC 9110 §9.1: methods are case-sensitive

    @pytest.mark.parametrize(
        ("methods", "error"),
        [
            ("GET", TypeError),
            ([], ValueError),
            (["GE T"], ValueError),
            ([""], ValueError),
            ([5], ValueError),
        ],
    )
    def test_bad_methods_are_refused(self, methods, error):
        with pytest.raises(error):
            Router().add_route("/", handler, methods=methods)


class TestConflicts:
    @pytest.mark.parametrize(
        ("first", "second"),
        [
            (("/users/{id}", ["GET"]), ("/users/{name}", ["GET"])),
            (("/users/{id}", ["GET"]), ("/users/{id}", ["GET", "POST"])),
            (("/users/{id}", None), ("/users/{name}", ["POST"])),
            (("/users/{id}", ["POST"]), ("/users/{id}", None)),
            (("/a", None), ("/a", None)),
            (("/a/{p:path}", ["GET"]), ("/a/{q:path}", ["GET"])),
            (("/users/{id}", ["GET"]), ("/users/{id:str}", ["GET"])),
        ],
    )
    def test_the_same_shape_and_an_overlapping_method_conflict(self, first, second):
        router = Router()
        existing = router.add_route(first[0], handler, methods=first[1])
        with pytest.raises(DuplicateRoute, match="conflicts with"):
            router.add_route(second[0], handler, methods=second[1])
        assert router.routes == (existing,)

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            (("/users/{id}", ["GET"]), ("/users/{id}", ["POST"])),
            (("/users/{id}", ["GET"]), ("/users/{id}", ["HEAD"])),
            (("/users/{id}", ["GET"]), ("/users/{id:int}", ["GET"])),
            (("/users/{id}", ["GET"]), ("/users/{id}/", ["GET"])),
            (("/users/{id}", ["GET"]), ("/users/{rest:path}", ["GET"])),
            (("/users/{id}", ["GET"]), ("/users/me", ["GET"])),
            (("/repos/{owner}/x", ["GET"]), ("/repos/{template_owner}/y", ["GET"])),
        ],
    )
    def test_other_shapes_or_methods_do_not_conflict(self, first, second):
        router = Router()
        router.add_route(first[0], handler, methods=first[1])
        router.add_route(second[0], handler, methods=second[1])

    def test_a_name_is_used_once(self):
        router = Router()
        router.add_route("/a", handler, name="x")
        with pytest.raises(DuplicateRoute, match="name 'x' is taken"):
            router.add_route("/b", handler, name="x")
        assert [route.template for route in router.routes] == ["/a"]


class TestPercentEncoding:
    def test_an_escaped_slash_stays_inside_its_segment(self):
        router = Router()
        one = router.add_route("/files/{name}", handler)
        router.add_route("/files/{a}/{b}", handler)
        found = router.match("GET", "/files/a%2Fb")
        assert found.route is one
        assert found.params == {"name": "a/b"}

    def test_an_escaped_slash_is_not_a_separator_for_static_segments(self):
        router, _ = router_with("/a/b")
        with pytest.raises(NotFound):
            router.match("GET", "/a%2Fb")

    def test_parameters_are_decoded(self):
        router, _ = router_with("/users/{name}", "/n/{n:int}", "/f/{p:path}")
        assert router.match("GET", "/users/J%C3%BCrgen").params == {"name": "Jürgen"}
        assert router.match("GET", "/users/a%20b").params == {"name": "a b"}
        assert router.match("GET", "/users/100%25").params == {"name": "100%"}
        assert router.match("GET", "/n/%34%32").params == {"n": 42}
        assert router.match("GET", "/f/a%20b/c%2Fd").params == {"p": "a b/c/d"}

    def test_a_plus_is_not_a_space_in_a_path(self):
        router, _ = router_with("/users/{name}")
        assert router.match("GET", "/users/a+b").params == {"name": "a+b"}

    def test_escapes_that_are_not_utf8_match_no_parameter(self):
        router, _ = router_with("/users/{name}", "/f/{p:path}")
        for path in ("/users/%FF", "/f/%C3", "/f/a/%FF"):
            with pytest.raises(NotFound):
                router.match("GET", path)

    def test_a_percent_that_is_no_escape_is_kept(self):
        router, _ = router_with("/users/{name}")
        assert router.match("GET", "/users/%zz").params == {"name": "%zz"}

    def test_static_segments_are_written_decoded_and_matched_encoded(self):
        """/café in a template takes what clients send for it, in either
        hex case, and escaped unreserved characters too (RFC 3986 §6.2.2)."""
        router, (cafe, space) = router_with("/café", "/x y")
        for path in ("/caf%C3%A9", "/caf%c3%a9", "/%63af%C3%A9"):
            assert router.match("GET", path).route is cafe
        assert router.match("GET", "/x%20y").route is space

    def test_unescaped_text_is_compared_as_sent(self):
        """A raw non-ASCII or space character cannot come in a valid request
        target; it is compared as it is, so it does not match the template."""
        router, _ = router_with("/café", "/x y")
        for path in ("/café", "/x y"):
            with pytest.raises(NotFound):
                router.match("GET", path)

    def test_a_static_route_beats_a_parameter_for_an_unusual_spelling(self):
        router, (cafe, _) = router_with("/café", "/{word}")
        assert router.match("GET", "/caf%c3%a9").route is cafe
        assert router.match("GET", "/cafe").params == {"word": "cafe"}


class TestTrailingSlash:
    def test_with_and_without_a_slash_are_different_routes(self):
        router, (bare, slashed) = router_with("/a", "/a/")
        assert router.match("GET", "/a").route is bare
        assert router.match("GET", "/a/").route is slashed

    def test_not_found_points_to_the_other_form(self):
        router, _ = router_with("/a", "/b/", "/users/{id}")
        with pytest.raises(NotFound) as caught:
            router.match("GET", "/a/")
        assert caught.value.redirect_to == "/a"
        with pytest.raises(NotFound) as caught:
            router.match("GET", "/b")
        assert caught.value.redirect_to == "/b/"
        with pytest.raises(NotFound) as caught:
            router.match("GET", "/users/x%2F/")
        assert caught.value.redirect_to == "/users/x%2F"
        router.add_route("/", handler)
        with pytest.raises(NotFound) as caught:
            router.match("GET", "//")
        assert caught.value.redirect_to == "/"

    def test_the_other_form_may_take_another_method(self):
        router, _ = router_with("/a", methods=["POST"])
        with pytest.raises(NotFound) as caught:
            router.match("GET", "/a/")
        assert caught.value.redirect_to == "/a"

    def test_no_other_form_no_redirect(self):
        router, _ = router_with("/a", "/")
        for path in ("/b", "/b/", "/a//", "/a/b"):
            with pytest.raises(NotFound) as caught:
                router.match("GET", path)
            assert caught.value.redirect_to is None, path

    def test_the_root_is_not_redirected_to_an_empty_path(self):
        router, _ = router_with("/a")
        with pytest.raises(NotFound) as caught:
            router.match("GET", "/")
        assert caught.value.redirect_to is None

    def test_a_path_that_exists_under_other_methods_is_a_405_not_a_redirect(self):
        router = Router()
        router.add_route("/a/", handler, methods=["POST"])
        router.add_route("/a", handler, methods=["GET"])
        with pytest.raises(MethodNotAllowed):
            router.match("GET", "/a/")


class TestURLFor:
    def test_builds_the_path_of_a_named_route(self):
        router = Router()
        router.add_route("/users/{id:int}/files/{rest:path}", handler, name="file")
        assert router.url_for("file", id=5, rest="a/b c.txt") == "/users/5/files/a/b%20c.txt"

    def test_a_one_segment_value_has_its_slashes_encoded(self):
        router = Router()
        router.add_route("/users/{name}", handler, name="user")
        assert router.url_for("user", name="a/b?c#d%") == "/users/a%2Fb%3Fc%23d%25"
        assert router.url_for("user", name="Jürgen") == "/users/J%C3%BCrgen"

    def test_static_segments_come_out_encoded(self):
        router = Router()
        router.add_route("/café/{x}", handler, name="cafe")
        assert router.url_for("cafe", x="1") == "/caf%C3%A9/1"

    def test_a_route_parameter_may_be_called_name(self):
        router = Router()
        router.add_route("/welcome/{name}", welcome, name="welcome")
        assert router.url_for("welcome", name="bob") == "/welcome/bob"

    def test_typed_values(self):
        router = Router()
        router.add_route("/{i:int}/{f:float}/{u:uuid}", handler, name="t")
        value = uuid.UUID(int=1)
        assert router.url_for("t", i=3, f=0.5, u=value) == f"/3/0.5/{value}"

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({}, r"missing \['id'\]"),
            ({"id": 1, "other": 2}, r"unexpected \['other'\]"),
            ({"id": "1"}, "expected int, got str"),
            ({"id": -1}, "non-negative"),
            ({"id": True}, "expected int, got bool"),
        ],
    )
    def test_missing_extra_and_ill_typed_values_are_refused(self, params, message):
        router = Router()
        router.add_route("/users/{id:int}", handler, name="user")
        with pytest.raises(URLBuildError, match=message):
            router.url_for("user", **params)

    def test_an_unknown_name(self):
        with pytest.raises(URLBuildError, match="no route is named 'nope'"):
            Router().url_for("nope")

    @pytest.mark.parametrize("value", ["", "\ud800", 5])
    def test_values_no_path_can_carry(self, value):
        router = Router()
        router.add_route("/users/{name}", handler, name="user")
        with pytest.raises(URLBuildError):
            router.url_for("user", name=value)

    def test_a_converter_whose_to_url_breaks_its_own_pattern(self):
        class Digits(Converter):
            pattern = "[0-9]+"

        router = Router(converters={"digits": Digits()})
        router.add_route("/{d:digits}", handler, name="d")
        assert router.url_for("d", d=12) == "/12"
        with pytest.raises(URLBuildError, match="does not match"):
            router.url_for("d", d="x")

    def test_url_build_error_is_a_value_error(self):
        assert issubclass(URLBuildError, ValueError)


class TestInclude:
    def test_mounts_routes_and_names_under_a_prefix(self):
        api = Router()
        api.add_route("/users/{id:int}", welcome, methods=["GET"], name="user")
        api.add_route("/", handler, name="index")
        app = Router()
        app.include("/api", api)
        found = app.match("GET", "/api/users/5")
        assert found.handler is welcome
        assert found.params == {"id": 5}
        assert found.route.template == "/api/users/{id:int}"
        assert found.route.methods == frozenset({"GET"})
        assert app.url_for("user", id=5) == "/api/users/5"
        assert app.url_for("index") == "/api/"
        with pytest.raises(NotFound):
            app.match("GET", "/users/5")

    def test_name_prefix(self):
        api = Router()
        api.add_route("/x", handler, name="x")
        app = Router()
        app.add_route("/x", handler, name="x")
        app.include("/api", api, name_prefix="api.")
        assert app.url_for("api.x") == "/api/x"
        assert app.url_for("x") == "/x"

    def test_a_prefix_with_a_parameter(self):
        posts = Router()
        posts.add_route("/posts/{post_id:int}", handler, name="post")
        app = Router()
        app.include("/users/{user_id:int}", posts)
        assert app.match("GET", "/users/1/posts/2").params == {"user_id": 1, "post_id": 2}
        assert app.url_for("post", user_id=1, post_id=2) == "/users/1/posts/2"

    def test_an_empty_prefix_merges(self):
        other = Router()
        route = other.add_route("/a", handler)
        app = Router()
        app.include("", other)
        assert app.match("GET", "/a").route.template == route.template

    def test_conflicts_raise_and_change_nothing(self):
        other = Router()
        other.add_route("/a", handler, name="a")
        other.add_route("/b", handler, methods=["GET"])
        app = Router()
        app.add_route("/api/b", handler, methods=["GET", "POST"])
        with pytest.raises(DuplicateRoute):
            app.include("/api", other)
        assert len(app.routes) == 1
        app = Router()
        app.add_route("/elsewhere", handler, name="a")
        with pytest.raises(DuplicateRoute):
            app.include("/api", other)
        assert len(app.routes) == 1

    @pytest.mark.parametrize(
        ("prefix", "message"),
        [
            ("/api/", "must not end with '/'"),
            ("/", "must not end with '/'"),
            ("/{rest:path}", "cannot hold"),
            ("api", "must start with '/'"),
            ("/{id}", "appears in both"),
        ],
    )
    def test_bad_prefixes(self, prefix, message):
        other = Router()
        other.add_route("/x/{id}", handler)
        with pytest.raises(TemplateError, match=message):
            Router().include(prefix, other)

    def test_a_router_cannot_include_itself(self):
        router = Router()
        with pytest.raises(ValueError, match="itself"):
            router.include("/again", router)

    def test_custom_converters_come_along_unless_they_clash(self):
        class Hex(Converter):
            pattern = "[0-9a-f]+"

        other = Router(converters={"hex": Hex()})
        other.add_route("/{c:hex}", handler)
        app = Router()
        app.include("/colors", other)
        assert app.match("GET", "/colors/ff").params == {"c": "ff"}
        app.add_route("/more/{c:hex}", handler)  # now registered here too
        clash = Router(converters={"hex": Hex()})
        with pytest.raises(TemplateError, match="not the same"):
            clash.include("/colors", other)

    def test_routes_added_to_the_other_router_later_are_not_seen(self):
        other = Router()
        app = Router()
        app.include("/api", other)
        other.add_route("/late", handler)
        with pytest.raises(NotFound):
            app.match("GET", "/api/late")


class TestConverters:
    def test_register_converter(self):
        class Hex(Converter):
            pattern = "[0-9a-f]+"

            def to_python(self, text: str) -> object:
                return int(text, 16)

            def to_url(self, value: object) -> str:
                assert isinstance(value, int)
                return format(value, "x")

        router = Router()
        router.register_converter("hex", Hex())
        router.add_route("/colors/{rgb:hex}", handler, name="color")
        other = router.add_route("/colors/{name}", handler)
        assert router.match("GET", "/colors/ff").params == {"rgb": 255}
        assert router.match("GET", "/colors/red").route is other
        assert router.url_for("color", rgb=255) == "/colors/ff"

    def test_a_converter_name_is_registered_once(self):
        router = Router(converters={"hex": Converter()})
        with pytest.raises(ValueError, match="already registered"):
            router.register_converter("hex", Converter())
        with pytest.raises(ValueError, match="already registered"):
            router.register_converter("int", Converter())

    @pytest.mark.parametrize("name", ["", "a-b", "1a", "a:b"])
    def test_a_converter_name_is_an_identifier(self, name):
        with pytest.raises(ValueError, match="not an identifier"):
            Router().register_converter(name, Converter())

    def test_a_converter_is_a_converter_instance(self):
        with pytest.raises(TypeError):
            Router().register_converter("x", Converter)  # type: ignore[arg-type]

    def test_an_unknown_converter_is_a_template_error(self):
        with pytest.raises(TemplateError, match="unknown converter"):
            Router().add_route("/{x:hex}", handler)


class TestErrors:
    def test_the_two_families(self):
        assert issubclass(NotFound, RoutingError)
        assert issubclass(MethodNotAllowed, RoutingError)
        for error in (DuplicateRoute, TemplateError, URLBuildError):
            assert issubclass(error, ValueError)
            assert not issubclass(error, RoutingError)

    def test_status_codes(self):
        assert NotFound.status_code == 404
        assert MethodNotAllowed.status_code == 405

    def test_messages_show_at_most_40_characters_of_the_path(self):
        router, _ = router_with("/a")
        with pytest.raises(NotFound) as caught:
            router.match("GET", "/" + "x" * 1000)
        assert len(str(caught.value)) < 100
        assert caught.value.path == "/" + "x" * 1000

    def test_not_found_and_method_not_allowed_messages(self):
        assert str(NotFound("/a/", "/a")) == "no route matches '/a/'; '/a' does"
        assert str(MethodNotAllowed("PUT", "/a", ("GET", "HEAD"))) == (
            "'PUT' is not allowed on '/a'; allowed: GET, HEAD"
        )

"""RFC 7386 merge patches: the examples of its Appendix A."""

import pytest

from freezer_api.objects import merge_patch

APPENDIX_A = [
    ({'a': 'b'}, {'a': 'c'}, {'a': 'c'}),
    ({'a': 'b'}, {'b': 'c'}, {'a': 'b', 'b': 'c'}),
    ({'a': 'b'}, {'a': None}, {}),
    ({'a': 'b', 'b': 'c'}, {'a': None}, {'b': 'c'}),
    ({'a': ['b']}, {'a': 'c'}, {'a': 'c'}),
    ({'a': 'c'}, {'a': ['b']}, {'a': ['b']}),
    ({'a': {'b': 'c'}}, {'a': {'b': 'd', 'c': None}}, {'a': {'b': 'd'}}),
    ({'a': [{'b': 'c'}]}, {'a': [1]}, {'a': [1]}),
    (['a', 'b'], ['c', 'd'], ['c', 'd']),
    ({'a': 'b'}, ['c'], ['c']),
    ({'a': 'foo'}, None, None),
    ({'a': 'foo'}, 'bar', 'bar'),
    ({'e': None}, {'a': 1}, {'e': None, 'a': 1}),
    ([1, 2], {'a': 'b', 'c': None}, {'a': 'b'}),
    ({}, {'a': {'bb': {'ccc': None}}}, {'a': {'bb': {}}}),
]


@pytest.mark.parametrize('target,patch,result', APPENDIX_A)
def test_appendix_a(target, patch, result):
    assert merge_patch.apply(target, patch) == result


def test_neither_argument_is_changed():
    target, patch = {'a': {'b': 1}}, {'a': {'b': None, 'c': 2}}
    merge_patch.apply(target, patch)
    assert target == {'a': {'b': 1}}
    assert patch == {'a': {'b': None, 'c': 2}}

"""Accounts as login roles: the functions through which accounts are made, changed and signed in.

Nobody is given CREATEROLE (in PostgreSQL 15 it is nearly a superuser's right). The keeper role holds it, owns
these SECURITY DEFINER functions and is never logged in as. Each function sets its search_path, validates every
argument, quotes identifiers with format('%I'), checks that the caller is an administrator of this database
(or its owner) and touches only login roles that this database made (members of its groups). The accounts
table is written only here.

Passwords reach the server only as SCRAM verifiers made by the client (libpq's PQencryptPasswordConn), so no
password is ever in a statement or a log. Sign-in lockout: the server authenticates before any SQL runs, so
a failed connection is reported by the sign-in role, which may call only `sl_sign_in_failed`. It counts the
failure in one locked row update; the fifth locks the account for LOCK_FOR: its login role becomes NOLOGIN
with an expired password (so the server answers a right password exactly as a wrong one until then).
"""
from __future__ import annotations

import json

from ..access import ADMIN, ROLES
from .functions import Function
from .names import MAX_NAME_BYTES, RESERVED, Roles
from .rows import masked_roles
from .sql import fill, literal
from .trail import spec

# Stands in app_user.password_hash for an account the server authenticates: never a valid scrypt hash.
SERVER_PASSWORD = "由数据库服务器验证"
VALIDATION = "SLA01"     # SQLSTATE of a refused argument; the message names the field (detail) and the fault
NOT_FOUND = "SLA02"


def functions(roles: Roles, database: str, owner: str) -> list[Function]:
    from ..accounts import LOCK_AFTER, LOCK_FOR
    groups = roles.groups
    masked = [groups[r] for r in masked_roles()]
    values = {
        "owner": literal(owner),
        "database": literal(database),
        "admin_group": literal(groups[ADMIN]),
        "groups": "ARRAY[" + ", ".join(literal(groups[r]) for r in ROLES) + "]",
        "roles": "ARRAY[" + ", ".join(literal(r) for r in ROLES) + "]",
        "masked_groups": "ARRAY[" + ", ".join(literal(g) for g in masked) + "]::text[]",
        "admin": literal(ADMIN),
        "spec": literal(json.dumps(spec("app_user"), ensure_ascii=False, sort_keys=True)) + "::jsonb",
        "marker": literal(SERVER_PASSWORD),
        "max_bytes": str(MAX_NAME_BYTES),
        "reserved": "ARRAY[" + ", ".join(literal(r) for r in sorted(RESERVED)) + "]",
        "lock_after": str(LOCK_AFTER),
        "lock_for": literal(f"{int(LOCK_FOR.total_seconds())} seconds"),
        "minutes": str(int(LOCK_FOR.total_seconds() // 60)),
        "validation": literal(VALIDATION),
        "not_found": literal(NOT_FOUND),
    }
    return [Function(signature, fill(template, **values), keeper=True, callers=callers)
            for signature, callers, template in _FUNCTIONS]


_FUNCTIONS: list[tuple[str, tuple[str, ...], str]] = [
    ("public.sl_account_caller()", (), """
CREATE OR REPLACE FUNCTION public.sl_account_caller() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  -- The administrator calling (their name for the trail), or NULL for the database owner; anyone else: refused.
  IF session_user = «owner» THEN RETURN NULL; END IF;
  IF EXISTS (SELECT 1 FROM public.app_user u WHERE u.name = session_user AND u.active AND u.role = «admin»)
     AND pg_has_role(session_user, «admin_group», 'MEMBER') THEN
    RETURN session_user;
  END IF;
  RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = '只有本数据库的管理员才能管理账号';
END $$"""),
    ("public.sl_account_ours(text)", (), """
CREATE OR REPLACE FUNCTION public.sl_account_ours(p_name text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  -- A login role this database made: a member of one of its groups.
  SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
                 WHERE r.rolname = p_name AND g.rolname = ANY («groups»))
$$"""),
    ("public.sl_account_check(text, text, integer)", (), r"""
CREATE OR REPLACE FUNCTION public.sl_account_check(p_name text, p_role text, p_community integer) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF p_name IS NULL OR btrim(p_name) = '' OR p_name <> btrim(p_name) OR p_name ~ '[[:space:][:cntrl:]]' THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '用户名', MESSAGE = '不能为空，不能包含空格或控制字符';
  END IF;
  IF octet_length(p_name) > «max_bytes» OR char_length(p_name) > 32 THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '用户名', MESSAGE = '不能超过«max_bytes»个字节，也不能超过32个字符';
  END IF;
  IF lower(p_name) = ANY («reserved») OR lower(p_name) LIKE 'pg\_%' THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '用户名', MESSAGE = '是数据库保留的名称，请换一个';
  END IF;
  IF p_role IS NULL OR NOT p_role = ANY («roles») THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '角色', MESSAGE = format('“%s”不是有效角色', p_role);
  END IF;
  IF p_community IS NOT NULL AND p_role = «admin» THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '所属社区', MESSAGE = '管理员管理全部社区，不能限定为一个社区';
  END IF;
  IF p_community IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.community c WHERE c.id = p_community) THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '所属社区', MESSAGE = '社区不存在';
  END IF;
END $$"""),
    ("public.sl_account_verifier(text)", (), r"""
CREATE OR REPLACE FUNCTION public.sl_account_verifier(p_verifier text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  -- Only a SCRAM p_verifier (the client hashes the password): never a password in a statement.
  IF p_verifier IS NULL OR p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '密码', MESSAGE = '不是数据库服务器的密码校验值';
  END IF;
END $$"""),
    ("public.sl_account_role(text, text)", (), """
CREATE OR REPLACE FUNCTION public.sl_account_role(p_name text, p_role text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE g text;
BEGIN
  -- Exactly one group: the account's role; masked views first on the search path where data is masked.
  FOREACH g IN ARRAY «groups» LOOP
    IF g <> («groups»)[array_position(«roles», p_role)] AND pg_has_role(p_name, g, 'MEMBER') THEN
      EXECUTE format('REVOKE %I FROM %I', g, p_name);
    END IF;
  END LOOP;
  EXECUTE format('GRANT %I TO %I', («groups»)[array_position(«roles», p_role)], p_name);
  IF («groups»)[array_position(«roles», p_role)] = ANY («masked_groups») THEN
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = masked, public', p_name, «database»);
  ELSE
    EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET search_path', p_name, «database»);
  END IF;
END $$"""),
    ("public.sl_account_add(text, text, integer, text, text)", ("admin", "owner"), """
CREATE OR REPLACE FUNCTION public.sl_account_add(p_name text, p_role text, p_community integer, p_verifier text,
                                                 p_source text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE me text := public.sl_account_caller(); first boolean; new_id integer; v jsonb;
BEGIN
  PERFORM public.sl_account_check(p_name, p_role, p_community);
  PERFORM public.sl_account_verifier(p_verifier);
  LOCK TABLE public.app_user IN SHARE ROW EXCLUSIVE MODE;
  first := NOT EXISTS (SELECT 1 FROM public.app_user);
  IF first AND p_role <> «admin» THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '角色', MESSAGE = '第一个账号必须是管理员（之后由管理员创建其他账号）';
  END IF;
  IF EXISTS (SELECT 1 FROM public.app_user u WHERE u.name = p_name) THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '用户名', MESSAGE = format('“%s”已存在', p_name);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_name) THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '用户名',
      MESSAGE = format('“%s”已是这台数据库服务器上的登录名（其他数据库或程序在用），账号名称在整台服务器上不能重复，请换一个', p_name);
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD %L',
                 p_name, p_verifier);
  PERFORM public.sl_account_role(p_name, p_role);
  INSERT INTO public.app_user (name, role, community_id, password_hash, failed_attempts, active, created_at,
                               must_change_password, password_changed_at)
  VALUES (p_name, p_role, p_community, «marker», 0, true, localtimestamp, false, localtimestamp)
  RETURNING id INTO new_id;
  SELECT to_jsonb(u) INTO v FROM public.app_user u WHERE u.id = new_id;
  INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label, changes)
  VALUES (clock_timestamp(), me, left(p_source, 8), '新增', '账号', new_id, p_name,
          public.sl_audit_changes('INSERT', NULL, public.sl_audit_values(v, «spec»), «spec»)::json);
  IF first THEN
    INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label, changes)
    VALUES (clock_timestamp(), me, left(p_source, 8), '启用登录', '账号', new_id, p_name,
            '[{"field": "说明", "old": null, "new": "创建第一个管理员账号，此后需要登录"}]'::json);
  END IF;
  RETURN new_id;
END $$"""),
    ("public.sl_account_target(text)", (), """
CREATE OR REPLACE FUNCTION public.sl_account_target(p_name text) RETURNS public.app_user
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u public.app_user;
BEGIN
  SELECT * INTO u FROM public.app_user a WHERE a.name = p_name FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = «not_found», MESSAGE = format('账号“%s”不存在', p_name);
  END IF;
  IF NOT public.sl_account_ours(p_name) THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '用户名',
      MESSAGE = format('账号“%s”还没有本数据库的登录角色：请数据库所有者运行 upgrade', p_name);
  END IF;
  RETURN u;
END $$"""),
    ("public.sl_account_set(text, text, boolean, integer, boolean, text)", ("admin", "owner"), """
CREATE OR REPLACE FUNCTION public.sl_account_set(p_name text, p_role text, p_set_community boolean, p_community integer,
                                                 p_active boolean, p_source text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE me text := public.sl_account_caller(); u public.app_user; before jsonb; after jsonb; changes jsonb;
        new_role text; new_community integer;
BEGIN
  u := public.sl_account_target(p_name);
  new_role := coalesce(p_role, u.role);
  new_community := CASE WHEN p_set_community THEN p_community ELSE u.community_id END;
  IF new_role = «admin» AND NOT p_set_community THEN new_community := NULL; END IF;
  PERFORM public.sl_account_check(p_name, new_role, new_community);
  IF p_active IS FALSE AND p_name = me THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '状态', MESSAGE = '不能停用自己正在使用的账号';
  END IF;
  SELECT to_jsonb(a) INTO before FROM public.app_user a WHERE a.id = u.id;
  UPDATE public.app_user a SET role = new_role, community_id = new_community, active = coalesce(p_active, a.active)
  WHERE a.id = u.id;
  IF NOT EXISTS (SELECT 1 FROM public.app_user a WHERE a.role = «admin» AND a.active) THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '角色', MESSAGE = '至少要保留一个可用的管理员账号';
  END IF;
  IF new_role <> u.role THEN PERFORM public.sl_account_role(p_name, new_role); END IF;
  IF p_active IS FALSE THEN
    EXECUTE format('ALTER ROLE %I NOLOGIN VALID UNTIL %L', p_name, '-infinity');
  ELSIF p_active IS TRUE AND (u.locked_until IS NULL OR u.locked_until <= localtimestamp) THEN
    EXECUTE format('ALTER ROLE %I LOGIN VALID UNTIL %L', p_name, 'infinity');
  END IF;
  SELECT to_jsonb(a) INTO after FROM public.app_user a WHERE a.id = u.id;
  changes := public.sl_audit_changes('UPDATE', public.sl_audit_values(before, «spec»),
                                     public.sl_audit_values(after, «spec»), «spec»);
  IF changes IS NOT NULL THEN
    INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label, changes)
    VALUES (clock_timestamp(), me, left(p_source, 8), '修改', '账号', u.id, p_name, changes::json);
  END IF;
END $$"""),
    ("public.sl_account_password(text, text, text)", ("admin", "owner"), """
CREATE OR REPLACE FUNCTION public.sl_account_password(p_name text, p_verifier text, p_source text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE me text := public.sl_account_caller(); u public.app_user;
BEGIN
  -- An administrator's reset: a temporary password, unlocked; its owner must replace it at the next sign-in.
  u := public.sl_account_target(p_name);
  PERFORM public.sl_account_verifier(p_verifier);
  EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_verifier);
  IF u.active THEN EXECUTE format('ALTER ROLE %I LOGIN VALID UNTIL %L', p_name, 'infinity'); END IF;
  UPDATE public.app_user a SET must_change_password = (p_name IS DISTINCT FROM me), failed_attempts = 0,
         locked_until = NULL, password_changed_at = localtimestamp WHERE a.id = u.id;
  INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label)
  VALUES (clock_timestamp(), me, left(p_source, 8), '重置密码', '账号', u.id, p_name);
END $$"""),
    ("public.sl_own_password(text, text)", ("people",), """
CREATE OR REPLACE FUNCTION public.sl_own_password(p_verifier text, p_source text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u public.app_user;
BEGIN
  u := public.sl_account_target(session_user);
  PERFORM public.sl_account_verifier(p_verifier);
  EXECUTE format('ALTER ROLE %I PASSWORD %L', u.name, p_verifier);
  UPDATE public.app_user a SET must_change_password = false, password_changed_at = localtimestamp WHERE a.id = u.id;
  INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label)
  VALUES (clock_timestamp(), u.name, left(p_source, 8), '修改密码', '账号', u.id, u.name);
END $$"""),
    ("public.sl_signed_in(text)", ("people",), """
CREATE OR REPLACE FUNCTION public.sl_signed_in(p_source text)
RETURNS TABLE (signed_role varchar, signed_community integer, signed_must_change boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u public.app_user;
BEGIN
  -- The server has authenticated session_user: record the sign-in and say p_name the person is.
  u := public.sl_account_target(session_user);
  IF NOT u.active THEN
    RAISE EXCEPTION USING ERRCODE = «validation», DETAIL = '状态', MESSAGE = format('账号“%s”已停用，请联系管理员', u.name);
  END IF;
  UPDATE public.app_user a SET failed_attempts = 0, locked_until = NULL, last_login_at = localtimestamp WHERE a.id = u.id;
  INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label)
  VALUES (clock_timestamp(), u.name, left(p_source, 8), '登录', '账号', u.id, u.name);
  RETURN QUERY SELECT u.role, u.community_id, u.must_change_password;
END $$"""),
    ("public.sl_sign_in_failed(text, text)", ("signin",), """
CREATE OR REPLACE FUNCTION public.sl_sign_in_failed(p_name text, p_source text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u public.app_user; failures integer; reason text; outcome text;
BEGIN
  -- Reported by the sign-in role after the server refused a connection. Counted in one locked row update,
  -- so parallel attempts lock the account after the «lock_after»th whatever their order.
  SELECT * INTO u FROM public.app_user a WHERE a.name = p_name FOR UPDATE;
  IF NOT FOUND OR NOT public.sl_account_ours(p_name) THEN
    reason := '用户名不存在'; outcome := 'unknown';
  ELSIF NOT u.active THEN
    reason := '账号已停用'; outcome := 'disabled';
  ELSIF u.locked_until > localtimestamp THEN
    reason := '账号已锁定'; outcome := 'locked ' || public.sl_iso(u.locked_until);
  ELSIF u.locked_until IS NOT NULL THEN
    -- The lock has run out: the role may sign in again, and the caller tries once more.
    UPDATE public.app_user a SET locked_until = NULL, failed_attempts = 0 WHERE a.id = u.id;
    EXECUTE format('ALTER ROLE %I LOGIN VALID UNTIL %L', p_name, 'infinity');
    RETURN 'unlocked';
  ELSE
    UPDATE public.app_user a SET failed_attempts = a.failed_attempts + 1 WHERE a.id = u.id
    RETURNING a.failed_attempts INTO failures;
    IF failures >= «lock_after» THEN
      UPDATE public.app_user a SET failed_attempts = 0, locked_until = localtimestamp + «lock_for»::interval
      WHERE a.id = u.id RETURNING a.locked_until INTO u.locked_until;
      EXECUTE format('ALTER ROLE %I NOLOGIN VALID UNTIL %L', p_name, '-infinity');
      reason := '密码错误，连续«lock_after»次，锁定«minutes»分钟'; outcome := 'locked-now ' || public.sl_iso(u.locked_until);
    ELSE
      reason := '密码错误'; outcome := 'wrong ' || («lock_after» - failures);
    END IF;
  END IF;
  INSERT INTO public.audit_entry (at, user_name, source, action, ledger, record_id, record_label, changes)
  VALUES (clock_timestamp(), left(p_name, 32), left(p_source, 8), '登录失败', '账号', u.id, left(p_name, 100),
          json_build_array(json_build_object('field', '原因', 'old', NULL, 'new', reason)));
  RETURN outcome;
END $$"""),
]

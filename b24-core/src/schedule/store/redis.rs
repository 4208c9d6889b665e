//! [`RedisStore`]: budgets in Redis, for workers on many hosts.
//!
//! Every operation is one Lua script run with `EVALSHA` (the driver loads the script again
//! when the server answers `NOSCRIPT`, e.g. after a restart): Redis runs a script alone, so a
//! booking is atomic. The time is the server's `TIME`, so the workers' own clocks never enter
//! the schedule, and every key carries an expiry: an idle budget disappears by itself.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

use super::{BudgetStore, StoreError, StoreFuture, redacted};
use crate::schedule::bucket::MAX_AHEAD;
use crate::schedule::operating::{BLOCK_WITHOUT_RESET, WINDOW};
use crate::schedule::{OperatingAccount, OperatingReport, RateLimit, sane};

/// Time allowed for opening a connection and for one answer.
const TIMEOUT: Duration = Duration::from_secs(2);

/// The one script: `ARGV[1]` names the operation. Numbers travel as strings with 17
/// significant digits (Lua's numbers are doubles; Redis would truncate a returned number to
/// an integer). A field that is not a number reads as a full bucket or as bookings
/// `MAX_AHEAD` ahead: a corrupted key slows down, never opens the gate.
const SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local op = ARGV[1]
local function fmt(x) return string.format('%.17g', x) end
local function num(v, bad)
  if v == false or v == nil then return nil end
  local n = tonumber(v)
  if n == nil or n ~= n then return bad end
  return n
end
local function level_at(drain, ceiling)
  local s = redis.call('HMGET', KEYS[1], 'level', 'at')
  local level = num(s[1], ceiling) or 0
  local at = num(s[2], now + AHEAD) or now
  if at > now + AHEAD then at = now + AHEAD end
  level = math.min(math.max(level, 0), ceiling)
  return math.min(math.max(level - drain * (now - at), 0), ceiling)
end
local function keep(seconds) redis.call('PEXPIRE', KEYS[1], math.ceil(seconds * 1000)) end
if op == 'book' then
  local drain, room, ceiling = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
  local level = level_at(drain, ceiling)
  local wait = math.max((level + 1 - room) / drain, 0)
  local after = level - drain * wait + 1
  redis.call('HSET', KEYS[1], 'level', fmt(after), 'at', fmt(now + wait))
  keep(wait + after / drain + 60)
  return fmt(wait)
elseif op == 'fill' then
  local drain, burst, ceiling = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
  local level = math.max(level_at(drain, ceiling), burst)
  redis.call('HSET', KEYS[1], 'level', fmt(level), 'at', fmt(now))
  keep(level / drain + 60)
  return 'OK'
elseif op == 'operating_get' then
  local s = redis.call('HMGET', KEYS[1], 'seconds', 'reset_at', 'blocked_until')
  return {fmt(now), s[1] or '', s[2] or '', s[3] or ''}
elseif op == 'operating_record' then
  if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'seconds', ARGV[2]) end
  if ARGV[3] ~= '' then
    redis.call('HSET', KEYS[1], 'reset_at', fmt(math.min(tonumber(ARGV[3]), now + WINDOW)))
  end
  local blocked = num(redis.call('HGET', KEYS[1], 'blocked_until'), nil)
  if blocked ~= nil and (blocked <= now or blocked > now + WINDOW) then
    redis.call('HDEL', KEYS[1], 'blocked_until')
  end
  keep(2 * WINDOW + 60)
  return 'OK'
elseif op == 'operating_block' then
  local reset = num(redis.call('HGET', KEYS[1], 'reset_at'), nil)
  local untill = now + BLOCK
  if reset ~= nil and reset > now and reset <= now + WINDOW then untill = reset end
  redis.call('HSET', KEYS[1], 'blocked_until', fmt(untill))
  keep(2 * WINDOW + 60)
  return fmt(untill - now)
end
return redis.error_reply('unknown budget operation ' .. tostring(op))
"#;

/// Budgets in Redis (`redis://host:port/db`). Connects at the first operation; the
/// connection manager reconnects by itself after a failure.
pub struct RedisStore {
    client: redis::Client,
    manager: OnceCell<ConnectionManager>,
    script: redis::Script,
}

fn fail(error: redis::RedisError) -> StoreError {
    StoreError(format!("redis: {error}"))
}

impl RedisStore {
    /// A store for the server at `url`; nothing connects yet.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)
            .map_err(|error| StoreError(format!("redis URL {}: {error}", redacted(url))))?;
        let script = SCRIPT
            .replace("AHEAD", &format!("{MAX_AHEAD:.1}"))
            .replace("WINDOW", &format!("{WINDOW:.1}"))
            .replace("BLOCK", &format!("{BLOCK_WITHOUT_RESET:.1}"));
        Ok(RedisStore {
            client,
            manager: OnceCell::new(),
            script: redis::Script::new(&script),
        })
    }

    async fn manager(&self) -> Result<ConnectionManager, StoreError> {
        self.manager
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(TIMEOUT))
                    .set_response_timeout(Some(TIMEOUT))
                    .set_number_of_retries(1);
                ConnectionManager::new_with_config(self.client.clone(), config)
                    .await
                    .map_err(fail)
            })
            .await
            .cloned()
    }

    /// Runs the script's operation `op` on `key` with `args`.
    async fn run<T: redis::FromRedisValue>(
        &self,
        key: String,
        op: &str,
        args: &[String],
    ) -> Result<T, StoreError> {
        let mut manager = self.manager().await?;
        let mut invocation = self.script.key(key);
        invocation.arg(op);
        for arg in args {
            invocation.arg(arg);
        }
        invocation.invoke_async(&mut manager).await.map_err(fail)
    }
}

/// A number the script returned, or an error naming `what`.
fn number(text: &str, what: &str) -> Result<f64, StoreError> {
    text.parse()
        .map_err(|_| StoreError(format!("redis: {what} is not a number")))
}

/// An optional number: empty is none; garbage reads as `bad`.
fn optional(text: &str, bad: f64) -> Option<f64> {
    (!text.is_empty()).then(|| text.parse().unwrap_or(bad))
}

fn bucket_key(bucket: &str) -> String {
    format!("b24:budget:bucket:{bucket}")
}

fn account_key(account: &str) -> String {
    format!("b24:budget:operating:{account}")
}

impl BudgetStore for RedisStore {
    fn book(&self, bucket: &str, limit: RateLimit) -> StoreFuture<'_, Duration> {
        let key = bucket_key(bucket);
        Box::pin(async move {
            let pacing = limit.pacing();
            let args = [pacing.drain, pacing.room, pacing.ceiling].map(|x| format!("{x:e}"));
            let wait: String = self.run(key, "book", &args).await?;
            let wait = number(&wait, "a booking's wait")?;
            Ok(sane::seconds(wait, 0.0..=MAX_AHEAD, "budget store wait"))
        })
    }

    fn fill(&self, bucket: &str, limit: RateLimit, ahead: Duration) -> StoreFuture<'_, ()> {
        let key = bucket_key(bucket);
        Box::pin(async move {
            let pacing = limit.pacing();
            let full = pacing.full_ahead(ahead.as_secs_f64());
            let args = [pacing.drain, full, pacing.ceiling].map(|x| format!("{x:e}"));
            let _: String = self.run(key, "fill", &args).await?;
            Ok(())
        })
    }

    fn operating_wait(&self, account: &str, limit: f64) -> StoreFuture<'_, Duration> {
        let key = account_key(account);
        Box::pin(async move {
            let fields: Vec<String> = self.run(key, "operating_get", &[]).await?;
            let [now, seconds, reset_at, blocked_until] = fields.as_slice() else {
                return Err(StoreError(String::from(
                    "redis: the operating-time account came back malformed",
                )));
            };
            let now = number(now, "the server's time")?;
            let found = OperatingAccount {
                seconds: optional(seconds, f64::INFINITY).unwrap_or(0.0),
                reset_at: optional(reset_at, now + WINDOW),
                blocked_until: optional(blocked_until, now + WINDOW),
            };
            Ok(found.wait(limit, now))
        })
    }

    fn operating_record(&self, account: &str, report: OperatingReport) -> StoreFuture<'_, ()> {
        let key = account_key(account);
        Box::pin(async move {
            let seconds = report
                .sane_operating()
                .map(|seconds| format!("{seconds:e}"))
                .unwrap_or_default();
            let reset_at = report
                .reset_at
                .map(|at| at.max(0).to_string())
                .unwrap_or_default();
            let _: String = self
                .run(key, "operating_record", &[seconds, reset_at])
                .await?;
            Ok(())
        })
    }

    fn operating_block(&self, account: &str) -> StoreFuture<'_, Duration> {
        let key = account_key(account);
        Box::pin(async move {
            let wait: String = self.run(key, "operating_block", &[]).await?;
            let wait = number(&wait, "a block's wait")?;
            Ok(sane::seconds(wait, 0.0..=WINDOW, "operating-time wait"))
        })
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}

/*
 * kmock: librdkafka's mock cluster as a Kafka-protocol broker for tests, driven over stdin.
 *
 *   kmock [brokers]            (default 3; brokers are numbered 1..N)
 *
 * On start it prints one line:  BOOTSTRAP 127.0.0.1:P1,127.0.0.1:P2,...
 * then reads one command per line and answers each with exactly one line, OK or ERR <why>:
 *   topic <name> <partitions> [replication]   create a topic (replication defaults to min(N,3))
 *   down <broker> | up <broker>               take a broker's listener down / bring it back
 *   rtt <broker|-1> <ms>                      add latency to every response (-1: all brokers)
 *   leader <topic> <partition> <broker>       move a partition's leader
 *   reqerr <apikey> <errcode>...              next requests with ApiKey fail with these errors
 *   quit                                      (end of stdin also quits: a dead parent ends us)
 * Build: gcc -O2 -o kmock kmock.c -lrdkafka   (see scripts/build-kmock.sh)
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

static int to_int(const char *s, long min, long max, long *out) {
  char *end;
  long v;
  if (!s || !*s) return 0;
  v = strtol(s, &end, 10);
  if (*end || v < min || v > max) return 0;
  *out = v;
  return 1;
}

static void answer(rd_kafka_resp_err_t err) {
  if (err) printf("ERR %s\n", rd_kafka_err2str(err));
  else printf("OK\n");
}

int main(int argc, char **argv) {
  char errstr[512], line[4096];
  long brokers = 3;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_t *rk;
  rd_kafka_mock_cluster_t *mc;

  if (argc > 1 && !to_int(argv[1], 1, 64, &brokers)) {
    fprintf(stderr, "usage: kmock [brokers 1..64]\n");
    return 2;
  }
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr)))) {
    fprintf(stderr, "kmock: rd_kafka_new: %s\n", errstr);
    return 1;
  }
  if (!(mc = rd_kafka_mock_cluster_new(rk, (int)brokers))) {
    fprintf(stderr, "kmock: could not create the mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  while (fgets(line, sizeof(line), stdin)) {
    char *argv2[MAX_ARGS], *save = NULL, *tok;
    int n = 0;
    long a, b, c = 0;
    for (tok = strtok_r(line, " \t\r\n", &save); tok && n < MAX_ARGS; tok = strtok_r(NULL, " \t\r\n", &save)) argv2[n++] = tok;
    if (n == 0) continue;
    if (!strcmp(argv2[0], "quit")) {
      printf("OK\n");
      fflush(stdout);
      break;
    } else if (!strcmp(argv2[0], "topic") && (n == 3 || n == 4) && to_int(argv2[2], 1, 100000, &a)) {
      b = brokers < 3 ? brokers : 3;
      if (n == 4 && !to_int(argv2[3], 1, brokers, &b)) printf("ERR replication must be 1..%ld\n", brokers);
      else answer(rd_kafka_mock_topic_create(mc, argv2[1], (int)a, (int)b));
    } else if ((!strcmp(argv2[0], "down") || !strcmp(argv2[0], "up")) && n == 2 && to_int(argv2[1], 1, brokers, &a)) {
      answer(argv2[0][0] == 'd' ? rd_kafka_mock_broker_set_down(mc, (int32_t)a) : rd_kafka_mock_broker_set_up(mc, (int32_t)a));
    } else if (!strcmp(argv2[0], "rtt") && n == 3 && to_int(argv2[1], -1, brokers, &a) && a != 0 && to_int(argv2[2], 0, 600000, &b)) {
      answer(rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b));
    } else if (!strcmp(argv2[0], "leader") && n == 4 && to_int(argv2[2], 0, 100000, &a) && to_int(argv2[3], 1, brokers, &b)) {
      answer(rd_kafka_mock_partition_set_leader(mc, argv2[1], (int32_t)a, (int32_t)b));
    } else if (!strcmp(argv2[0], "reqerr") && n >= 3 && to_int(argv2[1], 0, 32767, &a)) {
      rd_kafka_resp_err_t errs[MAX_ARGS];
      int i, ok = 1;
      for (i = 2; i < n; i++) {
        if (!to_int(argv2[i], -200, 32767, &c)) ok = 0;
        errs[i - 2] = (rd_kafka_resp_err_t)c;
      }
      if (!ok) printf("ERR error codes must be integers\n");
      else {
        rd_kafka_mock_push_request_errors_array(mc, (int16_t)a, (size_t)(n - 2), errs);
        printf("OK\n");
      }
    } else {
      printf("ERR bad command or arguments (brokers are 1..%ld): %s\n", brokers, argv2[0]);
    }
    fflush(stdout);
  }

  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
